"""Fictional identities: names from many cultures, issuing states (ISO 3166
alpha-3 plus the ICAO specials), document numbers, dates, optional data.

Every identity is invented; the name lists are common given names and family
names combined at random.
"""

import datetime as dt

import icao

# ---------------------------------------------------------------------------
# Name pools.  Each culture: (surnames, female given, male given, lang,
# translit policy).  Surnames may contain spaces/hyphens/apostrophes and
# native characters; the MRZ emitter transliterates them.

CULTURES = {
    "english": dict(
        sur=["Smith", "Johnson", "Williams", "O'Brien", "MacDonald", "Fitzgerald-Hughes",
             "Thompson", "Whitehead", "Ashworth", "Okafor-Smith", "Wright", "Bennett",
             "Featherstonehaugh", "Brown", "Clarke", "Doyle", "McAllister", "Evans"],
        f=["Olivia", "Amelia", "Charlotte", "Emily", "Grace", "Siobhan", "Hannah", "Isla",
           "Mary Elizabeth", "Jodie", "Chloe", "Abigail"],
        m=["Oliver", "James", "William", "Jack", "Thomas", "Declan", "Harry", "George",
           "Samuel", "Christopher", "John Paul", "Kwame"]),
    "french": dict(
        sur=["Lefèvre", "Dubois", "Girard", "Bénard", "Moreau", "Laurent", "D'Artagnan",
             "Fontaine", "Rousseau", "Lemaître", "Chevalier", "Bourgeois-Delacroix", "Mercier",
             "Faure", "Gauthier"],
        f=["Éloïse", "Anaïs", "Camille", "Léa", "Chloé", "Margaux", "Hélène", "Zoé",
           "Marie-Thérèse", "Océane", "Amélie"],
        m=["Loïc", "François", "Jean-Baptiste", "Théo", "Mathéo", "Rafaël", "Étienne",
           "Gaël", "Hugo", "Noël", "Benoît"]),
    "german": dict(
        sur=["Müller", "Schröder", "Weiß", "Jäger", "Groß", "von Bülow", "Schäfer", "Köhler",
             "Hoffmann", "Krüger", "Meyer-Lüdenscheidt", "Fuchs", "Bäcker", "Wagner",
             "Zimmermann", "Schmitt"],
        f=["Lena", "Jürgen", "Käthe", "Anneliese", "Ursula", "Mia", "Sophie", "Hannelore",
           "Greta", "Frieda", "Leonie"],
        m=["Jörg", "Günther", "Lukas", "Maximilian", "Björn", "Jürgen", "Dieter",
           "Karl-Heinz", "Felix", "Moritz", "Tobias"]),
    "spanish": dict(
        sur=["García López", "Fernández", "Muñoz", "Núñez", "de la Fuente y García",
             "Hernández de la Fuente y García Vela", "Rodríguez", "Martínez Ibáñez", "Peña",
             "Gutiérrez", "Sánchez", "Castañeda", "Ordóñez", "del Río", "Jiménez"],
        f=["María José", "Lucía", "Guadalupe", "María del Carmen Esperanza", "Ximena",
           "Sofía", "Begoña", "Inés", "Ángela", "Rocío"],
        m=["José María", "Álvaro", "Joaquín", "Íñigo", "Sebastián", "Rafael", "Jesús",
           "Andrés", "Martín", "Juan Carlos"]),
    "portuguese": dict(
        sur=["da Silva", "dos Santos", "Gonçalves", "Conceição", "Pereira da Costa",
             "Magalhães", "Araújo", "Brandão", "Simões", "Oliveira e Sousa",
             "Nascimento dos Santos Ferreira"],
        f=["Conceição", "Inês", "Beatriz", "Leonor", "Maria João", "Luísa", "Graça"],
        m=["João", "Sebastião", "Gonçalo", "Tomás", "Rui", "António", "Luís Filipe"]),
    "italian": dict(
        sur=["Rossi", "D'Angelo", "De Luca", "Esposito", "Bianchi", "Colombo", "Ricci",
             "Di Stefano", "Lo Giudice", "Ferrara", "Santoro"],
        f=["Giulia", "Francesca", "Chiara", "Martina", "Alessandra", "Maria Grazia", "Noemi"],
        m=["Niccolò", "Giuseppe", "Luca", "Matteo", "Gianluca", "Pier Paolo", "Andrea"]),
    "dutch": dict(
        sur=["van der Berg", "de Vries", "Bakker", "van den Heuvel", "Visser", "Smit",
             "van 't Hof", "Mulder", "de Jong", "Oosterhuis"],
        f=["Sanne", "Femke", "Anouk", "Lotte", "Ilse", "Maartje"],
        m=["Daan", "Sem", "Bram", "Joris", "Pieter", "Ruud", "Thijs"]),
    "nordic": dict(
        sur=["Åkesson", "Sørensen", "Ægidius", "Þórsdóttir", "Jónsson", "Lindqvist",
             "Oestergaard", "Østergaard", "Bjørnstad", "Häkkinen", "Virtanen", "Sigurðardóttir",
             "Andersen", "Nyström"],
        f=["Åsa", "Ingrid", "Sigrún", "Guðrún", "Linnéa", "Aino", "Märta", "Solveig", "Freja"],
        m=["Björn", "Søren", "Jónas", "Ólafur", "Eero", "Nils", "Torbjørn", "Magnús"]),
    "slavic_w": dict(
        sur=["Wiśniewski", "Dvořák", "Němec", "Kowalczyk", "Wójcik", "Šťastný", "Kováč",
             "Zieliński", "Procházková", "Szczepańska", "Horváth", "Nagy", "Szőke", "Kovács"],
        f=["Małgorzata", "Agnieszka", "Zuzana", "Kateřina", "Żaneta", "Petra", "Réka", "Zsófia"],
        m=["Łukasz", "Grzegorz", "Jiří", "Tomáš", "Przemysław", "Miroslav", "Bálint", "Gábor"]),
    "turkish": dict(
        sur=["Yılmaz", "Şahin", "Öztürk", "Çelik", "Aydın", "Kılıç", "Doğan", "Güneş", "Karagöz"],
        f=["Ayşe", "Gülşen", "Elif", "Özlem", "Büşra", "Şule"],
        m=["İbrahim", "Gökhan", "Mehmet", "Çağlar", "Oğuz", "Ömer"]),
    "greek": dict(
        sur=["Παπαδόπουλος", "Γεωργίου", "Οικονόμου", "Καραγιάννης", "Νικολάου",
             "Παπαγεωργίου", "Αντωνίου"],
        f=["Ελένη", "Μαρία", "Αικατερίνη", "Δήμητρα", "Σοφία"],
        m=["Ευάγγελος", "Γεώργιος", "Κωνσταντίνος", "Δημήτριος", "Νικόλαος"],
        lang="el"),
    "russian": dict(
        sur=["Иванов", "Кузнецова", "Щербаков", "Соколова", "Жуков", "Хабибуллин", "Чернышёв",
             "Воронцова-Дашкова", "Юсупов", "Михайлов"],
        f=["Юлия", "Екатерина", "Анастасия", "Ксения", "Наталья"],
        m=["Андрей", "Дмитрий", "Юрий", "Вячеслав", "Сергей"],
        lang="ru"),
    "ukrainian": dict(
        sur=["Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравчук", "Мельник"],
        f=["Олена", "Ірина", "Оксана", "Юлія"],
        m=["Андрій", "Олексій", "Тарас", "Богдан"],
        lang="uk"),
    "arabic": dict(
        sur=["Al-Hashimi", "Abdullah", "bin Rashid Al Maktoum", "El Amrani", "Haddad",
             "Al-Farsi", "Abd al-Rahman", "Mansour", "Ben Youssef", "Al-Qahtani", "Khalil"],
        f=["Fatima", "Aisha", "Mariam", "Layla", "Nour", "Yasmin", "Fatima Zahra"],
        m=["Mohammed", "Abdulaziz", "Omar", "Youssef", "Khaled", "Ahmed", "Hamza", "Mohamed Ali"]),
    "persian": dict(
        sur=["Hosseini", "Rezaei", "Mohammadi", "Ahmadi", "Karimi", "Tehrani-Moghaddam"],
        f=["Farzaneh", "Shirin", "Parisa", "Leila", "Maryam"],
        m=["Reza", "Dariush", "Arash", "Kourosh", "Mehdi"]),
    "indian": dict(
        sur=["Venkataraghavan", "Subramaniam", "Chakraborty", "Ramachandran", "Patel",
             "Sharma", "Krishnamurthy", "Bhattacharya", "Iyer", "Gupta", "Reddy",
             "Purushothaman Nair"],
        f=["Priya", "Lakshmi", "Ananya", "Deepika", "Sowmya", "Meenakshi Sundari"],
        m=["Arjun", "Rajesh", "Venkatesh", "Sandeep", "Siddharth", "Vishwanathan"]),
    "chinese": dict(
        sur=["Wang", "Li", "Zhang", "Ouyang", "Chen", "Liu", "Zhao", "Huang", "Xu", "Zhou"],
        f=["Xiaoming", "Jiayi", "Meiling", "Xinyi", "Yuting", "Shu Fen"],
        m=["Wei", "Haoran", "Zhiqiang", "Junjie", "Yichen", "Qiang"]),
    "japanese": dict(
        sur=["Nakamura", "Takahashi", "Watanabe", "Yamamoto", "Kobayashi", "Saitō", "Itō"],
        f=["Yūki", "Haruka", "Sakura", "Aoi", "Misaki"],
        m=["Sōta", "Haruto", "Kenji", "Takeshi", "Ryūnosuke"]),
    "korean": dict(
        sur=["Kim", "Park", "Lee", "Choi", "Jung", "Kang", "Yoon"],
        f=["Ji-woo", "Seo-yeon", "Min-ji", "Ha-eun"],
        m=["Min-jun", "Seo-joon", "Do-hyun", "Ji-ho"]),
    "vietnamese": dict(
        sur=["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ"],
        f=["Thị Hồng", "Ngọc Anh", "Thu Trang", "Ngoc"],
        m=["Văn Minh", "Đức Anh", "Quốc Bảo", "Thành"]),
    "thai": dict(
        sur=["Nilavadhanananda", "Srisawasdi", "Wongsawat", "Chaiyaporn", "Rattanakosin",
             "Suwannaphakdee"],
        f=["Siriporn", "Kanokwan", "Pimchanok", "Arunee"],
        m=["Arnpol", "Somchai", "Thanawat", "Kittisak"]),
    "west_african": dict(
        sur=["Adébáyọ̀", "Okonkwo", "Chukwuemeka", "Oluwaseun", "Mensah", "Diallo",
             "Ouédraogo", "Traoré", "Boateng", "Nwachukwu", "Kouyaté"],
        f=["Ngozi", "Adaeze", "Abena", "Aminata", "Fatoumata", "Oluwatoyin"],
        m=["Chinedu", "Kwame", "Mamadou", "Oluwaseun", "Ibrahima", "Kofi"]),
    "east_african": dict(
        sur=["Wanjiru", "Mwangi", "Otieno", "Tesfaye", "Haile", "Abebe", "Kariuki", "Nkosi",
             "Dlamini", "Mokoena", "Gebremedhin"],
        f=["Wanjiku", "Amani", "Selamawit", "Nomvula", "Thandiwe", "Zawadi"],
        m=["Baraka", "Tesfaye", "Sipho", "Juma", "Dawit", "Thabo"]),
    "latam": dict(
        sur=["González Ramírez", "Pérez", "Quispe Mamani", "Villanueva", "Cárdenas",
             "Echeverría", "Huamán", "Zúñiga", "Barrios de León"],
        f=["Guadalupe", "Xóchitl", "Valentina", "María Fernanda", "Paola"],
        m=["José Luis", "Santiago", "Mateo", "Ángel", "Emiliano"]),
    "romanian": dict(
        sur=["Popescu", "Ionescu", "Țăranu", "Ștefănescu", "Dumitrescu", "Constantinescu"],
        f=["Ioana", "Andreea", "Mădălina", "Ștefania"],
        m=["Ștefan", "Andrei", "Mihai", "Costin"]),
    "indonesian": dict(
        sur=["Sukarno", "Wijaya", "Santoso", "Hidayat", "Siregar", "Kusumawardhani"],
        f=["Dewi", "Sri Wahyuni", "Putri", "Ayu"],
        m=["Budi", "Agus", "Bambang", "Rizky"]),
}

# ---------------------------------------------------------------------------
# Issuing states / nationalities.  code, English name, native name, label
# language, cultures, transliteration policy (0 = Ä->AE, 1 = Ä->A)

COUNTRIES = [
    ("UTO", "UTOPIA", "REPUBLIC OF UTOPIA", "en", ["english", "nordic", "german"], 0),
    ("D", "GERMANY", "BUNDESREPUBLIK DEUTSCHLAND", "de", ["german", "turkish"], 0),
    ("FRA", "FRANCE", "RÉPUBLIQUE FRANÇAISE", "fr", ["french", "arabic", "west_african"], 1),
    ("ESP", "SPAIN", "REINO DE ESPAÑA", "es", ["spanish", "latam"], 1),
    ("ITA", "ITALY", "REPUBBLICA ITALIANA", "it", ["italian"], 1),
    ("PRT", "PORTUGAL", "REPÚBLICA PORTUGUESA", "pt", ["portuguese"], 1),
    ("NLD", "NETHERLANDS", "KONINKRIJK DER NEDERLANDEN", "nl", ["dutch", "turkish"], 1),
    ("BEL", "BELGIUM", "ROYAUME DE BELGIQUE", "fr", ["french", "dutch"], 1),
    ("AUT", "AUSTRIA", "REPUBLIK ÖSTERREICH", "de", ["german", "slavic_w"], 0),
    ("CHE", "SWITZERLAND", "SCHWEIZERISCHE EIDGENOSSENSCHAFT", "de", ["german", "french", "italian"], 0),
    ("SWE", "SWEDEN", "SVERIGE", "sv", ["nordic", "persian"], 0),
    ("NOR", "NORWAY", "NORGE", "sv", ["nordic"], 0),
    ("DNK", "DENMARK", "DANMARK", "sv", ["nordic"], 0),
    ("FIN", "FINLAND", "SUOMI FINLAND", "fi", ["nordic"], 1),
    ("ISL", "ICELAND", "ÍSLAND", "en", ["nordic"], 0),
    ("POL", "POLAND", "RZECZPOSPOLITA POLSKA", "pl", ["slavic_w"], 1),
    ("CZE", "CZECH REPUBLIC", "ČESKÁ REPUBLIKA", "en", ["slavic_w"], 1),
    ("HUN", "HUNGARY", "MAGYARORSZÁG", "en", ["slavic_w"], 1),
    ("ROU", "ROMANIA", "ROMÂNIA", "fr", ["romanian"], 1),
    ("GRC", "GREECE", "ΕΛΛΗΝΙΚΗ ΔΗΜΟΚΡΑΤΙΑ", "el", ["greek"], 1),
    ("TUR", "TURKEY", "TÜRKİYE CUMHURİYETİ", "tr", ["turkish"], 1),
    ("RUS", "RUSSIAN FEDERATION", "РОССИЙСКАЯ ФЕДЕРАЦИЯ", "ru", ["russian"], 1),
    ("UKR", "UKRAINE", "УКРАЇНА", "ru", ["ukrainian"], 1),
    ("GBR", "UNITED KINGDOM", "UNITED KINGDOM OF GREAT BRITAIN AND NORTHERN IRELAND", "en",
     ["english", "indian", "west_african"], 1),
    ("IRL", "IRELAND", "ÉIRE IRELAND", "en", ["english"], 1),
    ("USA", "UNITED STATES OF AMERICA", "UNITED STATES OF AMERICA", "en",
     ["english", "latam", "chinese", "korean"], 1),
    ("CAN", "CANADA", "CANADA", "fr", ["english", "french", "chinese"], 1),
    ("AUS", "AUSTRALIA", "AUSTRALIA", "en", ["english", "vietnamese", "chinese"], 1),
    ("NZL", "NEW ZEALAND", "NEW ZEALAND", "en", ["english"], 1),
    ("IND", "INDIA", "REPUBLIC OF INDIA", "en", ["indian"], 1),
    ("JPN", "JAPAN", "JAPAN", "en", ["japanese"], 1),
    ("KOR", "REPUBLIC OF KOREA", "REPUBLIC OF KOREA", "en", ["korean"], 1),
    ("CHN", "CHINA", "PEOPLE'S REPUBLIC OF CHINA", "en", ["chinese"], 1),
    ("VNM", "VIET NAM", "SOCIALIST REPUBLIC OF VIET NAM", "en", ["vietnamese"], 1),
    ("THA", "THAILAND", "KINGDOM OF THAILAND", "en", ["thai"], 1),
    ("IDN", "INDONESIA", "REPUBLIK INDONESIA", "en", ["indonesian"], 1),
    ("BRA", "BRAZIL", "REPÚBLICA FEDERATIVA DO BRASIL", "pt", ["portuguese", "latam"], 1),
    ("MEX", "MEXICO", "ESTADOS UNIDOS MEXICANOS", "es", ["latam", "spanish"], 1),
    ("ARG", "ARGENTINA", "REPÚBLICA ARGENTINA", "es", ["latam", "italian", "spanish"], 1),
    ("PER", "PERU", "REPÚBLICA DEL PERÚ", "es", ["latam"], 1),
    ("NGA", "NIGERIA", "FEDERAL REPUBLIC OF NIGERIA", "en", ["west_african"], 1),
    ("GHA", "GHANA", "REPUBLIC OF GHANA", "en", ["west_african"], 1),
    ("SEN", "SENEGAL", "RÉPUBLIQUE DU SÉNÉGAL", "fr", ["west_african", "french"], 1),
    ("KEN", "KENYA", "REPUBLIC OF KENYA", "en", ["east_african"], 1),
    ("ETH", "ETHIOPIA", "FEDERAL DEMOCRATIC REPUBLIC OF ETHIOPIA", "en", ["east_african"], 1),
    ("ZAF", "SOUTH AFRICA", "REPUBLIC OF SOUTH AFRICA", "en", ["east_african", "english"], 1),
    ("EGY", "EGYPT", "ARAB REPUBLIC OF EGYPT", "ar", ["arabic"], 1),
    ("MAR", "MOROCCO", "ROYAUME DU MAROC", "ar", ["arabic"], 1),
    ("JOR", "JORDAN", "HASHEMITE KINGDOM OF JORDAN", "ar", ["arabic"], 1),
    ("ARE", "UNITED ARAB EMIRATES", "UNITED ARAB EMIRATES", "ar", ["arabic", "indian"], 1),
    ("IRN", "IRAN", "ISLAMIC REPUBLIC OF IRAN", "en", ["persian"], 1),
    ("PHL", "PHILIPPINES", "REPUBLIKA NG PILIPINAS", "en", ["latam", "english"], 1),
    ("RKS", "KOSOVO", "REPUBLIKA E KOSOVËS", "en", ["slavic_w", "turkish"], 1),
    ("XOM", "SOVEREIGN MILITARY ORDER OF MALTA", "SOVEREIGN MILITARY ORDER OF MALTA", "it",
     ["italian", "french", "german"], 1),
    ("UNO", "UNITED NATIONS", "UNITED NATIONS", "fr", ["english", "french", "east_african", "indian"], 1),
    ("EUE", "EUROPEAN UNION", "EUROPEAN UNION", "fr", ["french", "german", "italian", "dutch"], 1),
    ("XPO", "INTERPOL", "INTERPOL", "fr", ["english", "french"], 1),
]
COUNTRY = {c[0]: c for c in COUNTRIES}
ORDINARY = [c[0] for c in COUNTRIES if c[0] not in ("RKS", "XOM", "UNO", "EUE", "XPO", "UTO")]
SPECIAL_ISSUERS = ["UTO", "RKS", "XOM", "UNO", "EUE", "XPO", "D"]
# Nationality codes that never issue documents themselves.
SPECIAL_NATIONALITIES = ["XXA", "XXB", "XXC", "XXX", "GBD", "GBN", "GBO", "UNA", "UNK"]
NATIONALITY_WORDS = {
    "XXA": "STATELESS", "XXB": "REFUGEE", "XXC": "REFUGEE (OTHER)", "XXX": "UNSPECIFIED",
    "GBD": "BRITISH OVERSEAS TERRITORIES CITIZEN", "GBN": "BRITISH NATIONAL (OVERSEAS)",
    "GBO": "BRITISH OVERSEAS CITIZEN", "UNA": "UN SPECIALIZED AGENCY", "UNK": "KOSOVO (UNMIK)",
}
DEMONYM = {
    "UTO": "UTOPIAN", "D": "DEUTSCH", "FRA": "FRANÇAISE", "ESP": "ESPAÑOLA", "ITA": "ITALIANA",
    "PRT": "PORTUGUESA", "NLD": "NEDERLANDSE", "BEL": "BELGE", "AUT": "ÖSTERREICH",
    "CHE": "SCHWEIZ SUISSE", "SWE": "SVENSK", "NOR": "NORSK", "DNK": "DANSK", "FIN": "SUOMI",
    "ISL": "ÍSLENSKUR", "POL": "POLSKIE", "CZE": "ČESKÁ REPUBLIKA", "HUN": "MAGYAR",
    "ROU": "ROMÂNĂ", "GRC": "ΕΛΛΗΝΙΚΗ HELLENIC", "TUR": "T.C.", "RUS": "РОССИЯ RUSSIA",
    "UKR": "УКРАЇНА UKRAINE", "GBR": "BRITISH CITIZEN", "IRL": "ÉIREANNACH IRISH",
    "USA": "UNITED STATES OF AMERICA", "CAN": "CANADIAN/CANADIENNE", "AUS": "AUSTRALIAN",
    "NZL": "NEW ZEALAND", "IND": "INDIAN", "JPN": "JAPAN", "KOR": "REPUBLIC OF KOREA",
    "CHN": "CHINESE", "VNM": "VIỆT NAM", "THA": "THAI", "IDN": "INDONESIA",
    "BRA": "BRASILEIRO(A)", "MEX": "MEXICANA", "ARG": "ARGENTINA", "PER": "PERUANA",
    "NGA": "NIGERIAN", "GHA": "GHANAIAN", "SEN": "SÉNÉGALAISE", "KEN": "KENYAN",
    "ETH": "ETHIOPIAN", "ZAF": "SOUTH AFRICAN", "EGY": "EGYPTIAN", "MAR": "MAROCAINE",
    "JOR": "JORDANIAN", "ARE": "EMIRATI", "IRN": "IRANIAN", "PHL": "FILIPINO",
    "RKS": "KOSOVAR", "XOM": "S.M.O.M.", "UNO": "UNITED NATIONS", "EUE": "EUROPEAN UNION",
    "XPO": "INTERPOL",
}

CITIES = {
    "D": ["BERLIN", "MÜNCHEN", "KÖLN", "DÜSSELDORF", "LEIPZIG"],
    "FRA": ["PARIS", "LYON", "MARSEILLE", "SAINT-ÉTIENNE", "LILLE"],
    "ESP": ["MADRID", "SEVILLA", "A CORUÑA", "BILBAO"],
    "ITA": ["ROMA", "MILANO", "NAPOLI", "TORINO"],
    "GBR": ["LONDON", "MANCHESTER", "CARDIFF", "GLASGOW"],
    "SWE": ["STOCKHOLM", "GÖTEBORG", "MALMÖ"],
    "POL": ["WARSZAWA", "KRAKÓW", "ŁÓDŹ", "GDAŃSK"],
    "GRC": ["ΑΘΗΝΑ", "ΘΕΣΣΑΛΟΝΙΚΗ"],
    "RUS": ["МОСКВА", "САНКТ-ПЕТЕРБУРГ", "КАЗАНЬ"],
    "TUR": ["İSTANBUL", "ANKARA", "İZMİR"],
    "IND": ["CHENNAI", "KOLKATA", "MUMBAI", "THIRUVANANTHAPURAM"],
    "USA": ["NEW YORK, U.S.A.", "CALIFORNIA, U.S.A.", "TEXAS, U.S.A."],
    "NGA": ["LAGOS", "IBADAN", "ENUGU"],
    "BRA": ["SÃO PAULO", "RIO DE JANEIRO", "BELÉM"],
}
GENERIC_CITIES = ["UTOPIA CITY", "PORT AURORA", "NEW HAVEN", "SAN ESTEBAN", "KALAMARIA",
                  "NORTHBROOK", "VILLENEUVE", "OSTRAVA", "TAMPERE", "ABEOKUTA", "MOMBASA",
                  "DA NANG", "CHIANG MAI", "CÓRDOBA", "ALEXANDRIA", "TABRIZ", "BUSAN"]


def _pick_name(rng, culture, sex):
    c = CULTURES[culture]
    sur = rng.choice(c["sur"])
    if rng.random() < 0.12:  # double surname
        other = rng.choice(c["sur"])
        if other != sur:
            sur = sur + rng.choice([" ", "-"]) + other
    pool = c["f"] if sex == "F" else c["m"] if sex == "M" else c["f"] + c["m"]
    given = rng.choice(pool)
    r = rng.random()
    if r < 0.22:
        other = rng.choice(pool)
        if other != given:
            given = given + " " + other
    elif r < 0.28:  # long multi-part given names that will need truncation
        given = " ".join(rng.sample(pool, min(len(pool), rng.randint(3, 4))))
    return sur, given, c.get("lang")


LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
SAFE_LETTERS = "CFGHJKLMNPRTVWXYZ"


def document_number(rng, fmt):
    r = rng.random()
    if fmt == "TD1" and r < 0.18:
        n = rng.randint(10, 12)
        return rng.choice(LETTERS) + "".join(rng.choice(DIGITS + LETTERS[:6]) for _ in range(n - 1))
    if fmt == "TD2" and r < 0.06:
        return "".join(rng.choice(DIGITS) for _ in range(rng.randint(10, 11)))
    r = rng.random()
    if r < 0.25:
        return rng.choice(LETTERS) + "".join(rng.choice(DIGITS) for _ in range(8))
    if r < 0.45:
        return "".join(rng.choice(SAFE_LETTERS + DIGITS) for _ in range(9))
    if r < 0.58:
        return "".join(rng.choice(DIGITS) for _ in range(9))
    if r < 0.70:
        return "".join(rng.choice(LETTERS) for _ in range(2)) + "".join(rng.choice(DIGITS) for _ in range(7))
    if r < 0.82:  # shorter numbers, padded with '<'
        n = rng.randint(6, 8)
        k = rng.randint(0, min(2, 9 - n))
        return "".join(rng.choice(LETTERS) for _ in range(k)) + \
            "".join(rng.choice(DIGITS) for _ in range(n))
    # confusable-heavy numbers
    conf = "0O1I8B5S2Z6G"
    return "".join(rng.choice(conf + DIGITS) for _ in range(9))


def _date(rng, lo, hi):
    a, b = lo.toordinal(), hi.toordinal()
    return dt.date.fromordinal(rng.randint(a, b))


def _add_years(d, years):
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def yymmdd(d):
    return d.strftime("%y%m%d")


class Identity:
    pass


DOC_CODES = {
    "TD3": [("P<", 70), ("PP", 6), ("PD", 5), ("PO", 4), ("PS", 2), ("PR", 2), ("PT", 2),
            ("PE", 2), ("PM", 1), ("PL", 1), ("PU", 1)],
    "TD1": [("I<", 35), ("ID", 25), ("IR", 8), ("IP", 5), ("A<", 5), ("C<", 5), ("AC", 3),
            ("IT", 4), ("CR", 3), ("IX", 3), ("RP", 2)],
    "TD2": [("I<", 40), ("ID", 20), ("IR", 10), ("A<", 8), ("C<", 8), ("IP", 6), ("AC", 3)],
    "MRVA": [("V<", 60), ("VA", 10), ("VC", 10), ("VD", 8), ("VS", 6), ("VT", 6)],
    "MRVB": [("V<", 60), ("VB", 10), ("VC", 10), ("VD", 8), ("VS", 6), ("VT", 6)],
}


def weighted(rng, items):
    total = sum(w for _, w in items)
    x = rng.random() * total
    for v, w in items:
        x -= w
        if x < 0:
            return v
    return items[-1][0]


def make_identity(rng, fmt):
    p = Identity()
    p.fmt = fmt
    r = rng.random()
    if fmt in ("MRVA", "MRVB"):
        # visas are issued by states (UN, EU, SMOM and INTERPOL do not)
        issuer = rng.choice(["UTO", "RKS", "D"]) if r < 0.1 else rng.choice(ORDINARY)
    elif r < 0.12:
        issuer = rng.choice(SPECIAL_ISSUERS)
    else:
        issuer = rng.choice(ORDINARY)
    p.issuer = issuer
    ctry = COUNTRY[issuer]
    p.country_en, p.country_native, p.lang = ctry[1], ctry[2], ctry[3]
    policy = ctry[5]
    r = rng.random()
    if r < 0.1:
        policy = 1 - policy
    elif r < 0.13:
        policy = 2
    # Nationality
    if fmt in ("MRVA", "MRVB"):
        # visa: holder is usually foreign
        nat = rng.choice(ORDINARY + ["UTO", "RKS", "XXA", "XXB", "GBD"])
        if nat == issuer:
            nat = rng.choice(ORDINARY)
    else:
        r = rng.random()
        if issuer in ("UNO", "EUE", "XPO", "XOM"):
            nat = rng.choice(ORDINARY + ["UTO"])
        elif r < 0.08:
            nat = rng.choice(SPECIAL_NATIONALITIES)
        elif r < 0.14:
            nat = rng.choice(ORDINARY)
        else:
            nat = issuer
    p.nationality = nat
    # Culture of the name
    if nat in COUNTRY and rng.random() < 0.75:
        culture = rng.choice(COUNTRY[nat][4])
    elif rng.random() < 0.6:
        culture = rng.choice(ctry[4])
    else:
        culture = rng.choice(sorted(CULTURES))
    sex = weighted(rng, [("M", 48), ("F", 48), ("<", 4)])
    p.sex = sex
    sur, given, lang = _pick_name(rng, culture, sex)
    p.culture = culture
    p.name_lang = lang
    r = rng.random()
    if r < 0.03:
        given = ""  # only a primary identifier
    elif r < 0.04:
        sur, given = "", given  # empty primary identifier
    p.surname, p.given = sur, given
    p.primary = icao.components(sur, policy, lang) if sur else []
    p.secondary = icao.components(given, policy, lang) if given else []
    p.latin_surname = " ".join(p.primary)
    p.latin_given = " ".join(p.secondary)
    p.trunc_style = 1 if rng.random() < 0.3 else 0
    name, p.truncated = icao.name_field(p.primary, p.secondary, icao.NAME_LEN[fmt], p.trunc_style)
    p.mrz_name = name
    # Dates
    today = _date(rng, dt.date(2012, 1, 1), dt.date(2030, 6, 30))
    if fmt in ("MRVA", "MRVB"):
        dob = _date(rng, dt.date(1940, 1, 1), _add_years(today, -1))
        issue = today
        expiry = issue + dt.timedelta(days=rng.choice([30, 90, 180, 365, 730, 1825]) - 1)
    else:
        dob = _date(rng, dt.date(1940, 1, 1), min(_add_years(today, -0), dt.date(2024, 12, 31)))
        age = (today - dob).days / 365.25
        if age < 0.1:
            dob = _add_years(today, -rng.randint(1, 60))
            age = (today - dob).days / 365.25
        issue = today
        years = 5 if age < 18 or rng.random() < 0.35 else 10
        if fmt == "TD1" and rng.random() < 0.3:
            years = rng.choice([3, 6, 15])
        expiry = _add_years(issue, years)
        if rng.random() < 0.5:
            expiry -= dt.timedelta(days=1)
    if expiry > dt.date(2040, 12, 31):
        expiry = dt.date(2040, rng.randint(1, 12), rng.randint(1, 28))
    p.dob, p.issue, p.expiry = dob, issue, expiry
    p.dob_mrz = yymmdd(dob)
    p.dob_unknown = 0
    r = rng.random()
    if r < 0.02:
        p.dob_mrz = p.dob_mrz[:2] + "<<<<"
        p.dob_unknown = 2
    elif r < 0.04:
        p.dob_mrz = p.dob_mrz[:4] + "<<"
        p.dob_unknown = 1
    p.expiry_mrz = yymmdd(expiry)
    p.doc_code = weighted(rng, DOC_CODES[fmt])
    p.number = document_number(rng, fmt)
    # Optional data
    p.personal = ""
    p.optional1 = ""
    p.optional2 = ""
    if fmt == "TD3":
        r = rng.random()
        if r < 0.45:
            p.personal = ""
        elif r < 0.70:
            p.personal = "".join(rng.choice(DIGITS) for _ in range(rng.choice([9, 10, 11, 13])))
        elif r < 0.90:
            p.personal = "".join(rng.choice(LETTERS + DIGITS) for _ in range(rng.randint(6, 14)))
        else:
            p.personal = "".join(rng.choice(DIGITS) for _ in range(14))
        p.empty_personal_check = "<" if rng.random() < 0.8 else "0"
    elif fmt == "TD1":
        room = 15 if len(p.number) <= 9 else 15 - (len(p.number) - 9) - 2
        if rng.random() < 0.45 and room >= 4:
            p.optional1 = "".join(rng.choice(DIGITS) for _ in range(rng.randint(3, room)))
        if rng.random() < 0.2:
            p.optional2 = "".join(rng.choice(LETTERS + DIGITS) for _ in range(rng.randint(2, 11)))
    elif fmt == "TD2":
        room = 7 if len(p.number) <= 9 else 7 - (len(p.number) - 9) - 2
        if rng.random() < 0.35 and room >= 2:
            p.optional1 = "".join(rng.choice(DIGITS + LETTERS) for _ in range(rng.randint(1, room)))
    else:
        n = 16 if fmt == "MRVA" else 8
        r = rng.random()
        if r < 0.5:
            p.optional1 = "".join(rng.choice(LETTERS + DIGITS) for _ in range(rng.randint(2, n)))
    p.lines = emit(p)
    # VIZ extras
    p.birth_place = rng.choice(CITIES.get(nat, []) + GENERIC_CITIES[:5]) if nat in CITIES \
        else rng.choice(GENERIC_CITIES)
    p.height_cm = rng.randint(150, 199)
    return p


def emit(p):
    fmt = p.fmt
    if fmt == "TD3":
        return icao.build_td3(p.doc_code, p.issuer, p.mrz_name, p.number, p.nationality,
                              p.dob_mrz, p.sex, p.expiry_mrz, p.personal, p.empty_personal_check)
    if fmt == "TD2":
        return icao.build_td2(p.doc_code, p.issuer, p.mrz_name, p.number, p.nationality,
                              p.dob_mrz, p.sex, p.expiry_mrz, p.optional1)
    if fmt == "TD1":
        return icao.build_td1(p.doc_code, p.issuer, p.mrz_name, p.number, p.nationality,
                              p.dob_mrz, p.sex, p.expiry_mrz, p.optional1, p.optional2)
    return icao.build_mrv(fmt, p.doc_code, p.issuer, p.mrz_name, p.number, p.nationality,
                          p.dob_mrz, p.sex, p.expiry_mrz, p.optional1)


def country_label(code):
    if code in COUNTRY:
        return COUNTRY[code][1]
    return NATIONALITY_WORDS.get(code, code)


def nationality_label(code):
    if code in NATIONALITY_WORDS:
        return NATIONALITY_WORDS[code]
    return DEMONYM.get(code, country_label(code))
