"""Field labels for the visual inspection zone in several languages, and date
formats used by different issuers."""

L = {
    "en": dict(type="Type", code="Code", passport_no="Passport No.", doc_no="Document No.",
               surname="Surname", given="Given names", nationality="Nationality",
               dob="Date of birth", sex="Sex", pob="Place of birth", doi="Date of issue",
               authority="Authority", doe="Date of expiry", signature="Holder's signature",
               personal_no="Personal No.", height="Height", address="Address",
               card_no="Card No.", valid_from="Valid from", valid_until="Until",
               visa_type="Type of visa", entries="Number of entries", duration="Duration of stay",
               issued_at="Issued in", remarks="Remarks", passport="PASSPORT",
               idcard="IDENTITY CARD", residence="RESIDENCE PERMIT", visa="VISA",
               eyes="Colour of eyes", valid_for="Valid for", page="Page",
               observations="OBSERVATIONS", licence="DRIVING LICENCE"),
    "fr": dict(type="Type", code="Code", passport_no="N° du passeport", doc_no="N° du document",
               surname="Nom", given="Prénoms", nationality="Nationalité",
               dob="Date de naissance", sex="Sexe", pob="Lieu de naissance",
               doi="Date de délivrance", authority="Autorité", doe="Date d'expiration",
               signature="Signature du titulaire", personal_no="N° personnel", height="Taille",
               address="Adresse", card_no="N° de carte", valid_from="Valable du",
               valid_until="au", visa_type="Type de visa", entries="Nombre d'entrées",
               duration="Durée du séjour", issued_at="Délivré à", remarks="Remarques",
               passport="PASSEPORT", idcard="CARTE D'IDENTITÉ", residence="TITRE DE SÉJOUR",
               visa="VISA", eyes="Couleur des yeux", valid_for="Valable pour", page="Page",
               observations="OBSERVATIONS", licence="PERMIS DE CONDUIRE"),
    "es": dict(type="Tipo", code="Código", passport_no="N.º de pasaporte", doc_no="N.º de documento",
               surname="Apellidos", given="Nombre", nationality="Nacionalidad",
               dob="Fecha de nacimiento", sex="Sexo", pob="Lugar de nacimiento",
               doi="Fecha de expedición", authority="Autoridad", doe="Fecha de caducidad",
               signature="Firma del titular", personal_no="N.º personal", height="Estatura",
               address="Domicilio", card_no="N.º de soporte", valid_from="Válido desde",
               valid_until="hasta", visa_type="Tipo de visado", entries="Número de entradas",
               duration="Duración de la estancia", issued_at="Expedido en", remarks="Observaciones",
               passport="PASAPORTE", idcard="DOCUMENTO NACIONAL DE IDENTIDAD",
               residence="PERMISO DE RESIDENCIA", visa="VISADO", eyes="Color de ojos",
               valid_for="Válido para", page="Pág.", observations="OBSERVACIONES",
               licence="PERMISO DE CONDUCCIÓN"),
    "de": dict(type="Typ", code="Kode", passport_no="Pass-Nr.", doc_no="Dokumentennummer",
               surname="Name", given="Vornamen", nationality="Staatsangehörigkeit",
               dob="Geburtstag", sex="Geschlecht", pob="Geburtsort", doi="Ausstellungsdatum",
               authority="Behörde", doe="Gültig bis", signature="Unterschrift des Inhabers",
               personal_no="Persönliche Nr.", height="Größe", address="Anschrift",
               card_no="Ausweisnummer", valid_from="Gültig ab", valid_until="bis",
               visa_type="Art des Visums", entries="Anzahl der Einreisen",
               duration="Aufenthaltsdauer", issued_at="Ausgestellt in", remarks="Anmerkungen",
               passport="REISEPASS", idcard="PERSONALAUSWEIS", residence="AUFENTHALTSTITEL",
               visa="VISUM", eyes="Augenfarbe", valid_for="Gültig für", page="Seite",
               observations="AMTLICHE VERMERKE", licence="FÜHRERSCHEIN"),
    "it": dict(type="Tipo", code="Codice", passport_no="Passaporto N.", doc_no="N. documento",
               surname="Cognome", given="Nome", nationality="Cittadinanza",
               dob="Data di nascita", sex="Sesso", pob="Luogo di nascita",
               doi="Data di rilascio", authority="Autorità", doe="Data di scadenza",
               signature="Firma del titolare", personal_no="N. personale", height="Statura",
               address="Residenza", card_no="N. carta", valid_from="Valido dal", valid_until="al",
               visa_type="Tipo di visto", entries="Numero di ingressi", duration="Durata del soggiorno",
               issued_at="Rilasciato a", remarks="Annotazioni", passport="PASSAPORTO",
               idcard="CARTA D'IDENTITÀ", residence="PERMESSO DI SOGGIORNO", visa="VISTO",
               eyes="Colore degli occhi", valid_for="Valido per", page="Pag.",
               observations="OSSERVAZIONI", licence="PATENTE DI GUIDA"),
    "pt": dict(type="Tipo", code="Código", passport_no="Passaporte N.º", doc_no="N.º do documento",
               surname="Apelido", given="Nome", nationality="Nacionalidade",
               dob="Data de nascimento", sex="Sexo", pob="Local de nascimento",
               doi="Data de emissão", authority="Autoridade", doe="Válido até",
               signature="Assinatura do titular", personal_no="N.º pessoal", height="Altura",
               address="Morada", card_no="N.º do cartão", valid_from="Válido de",
               valid_until="até", visa_type="Tipo de visto", entries="Número de entradas",
               duration="Duração da estadia", issued_at="Emitido em", remarks="Observações",
               passport="PASSAPORTE", idcard="CARTÃO DE CIDADÃO", residence="AUTORIZAÇÃO DE RESIDÊNCIA",
               visa="VISTO", eyes="Cor dos olhos", valid_for="Válido para", page="Pág.",
               observations="OBSERVAÇÕES", licence="CARTA DE CONDUÇÃO"),
    "nl": dict(type="Soort", code="Code", passport_no="Paspoortnummer", doc_no="Documentnummer",
               surname="Naam", given="Voornamen", nationality="Nationaliteit",
               dob="Geboortedatum", sex="Geslacht", pob="Geboorteplaats", doi="Datum van afgifte",
               authority="Autoriteit", doe="Geldig tot", signature="Handtekening houder",
               personal_no="Persoonsnummer", height="Lengte", address="Adres",
               card_no="Kaartnummer", valid_from="Geldig van", valid_until="tot",
               visa_type="Soort visum", entries="Aantal binnenkomsten", duration="Duur van verblijf",
               issued_at="Afgegeven te", remarks="Opmerkingen", passport="PASPOORT",
               idcard="IDENTITEITSKAART", residence="VERBLIJFSDOCUMENT", visa="VISUM",
               eyes="Kleur ogen", valid_for="Geldig voor", page="Blz.",
               observations="OPMERKINGEN", licence="RIJBEWIJS"),
    "sv": dict(type="Typ", code="Kod", passport_no="Passnummer", doc_no="Dokumentnummer",
               surname="Efternamn", given="Förnamn", nationality="Nationalitet",
               dob="Födelsedatum", sex="Kön", pob="Födelseort", doi="Utfärdandedatum",
               authority="Myndighet", doe="Giltig t.o.m.", signature="Innehavarens namnteckning",
               personal_no="Personnummer", height="Längd", address="Adress", card_no="Kortnummer",
               valid_from="Giltig från", valid_until="till", visa_type="Typ av visering",
               entries="Antal inresor", duration="Vistelsens längd", issued_at="Utfärdad i",
               remarks="Anmärkningar", passport="PASS", idcard="IDENTITETSKORT",
               residence="UPPEHÅLLSTILLSTÅND", visa="VISERING", eyes="Ögonfärg",
               valid_for="Giltig för", page="Sida", observations="ANTECKNINGAR",
               licence="KÖRKORT"),
    "fi": dict(type="Tyyppi", code="Koodi", passport_no="Passin numero", doc_no="Asiakirjan numero",
               surname="Sukunimi", given="Etunimet", nationality="Kansalaisuus",
               dob="Syntymäaika", sex="Sukupuoli", pob="Syntymäpaikka", doi="Myöntämispäivä",
               authority="Viranomainen", doe="Voimassa", signature="Haltijan allekirjoitus",
               personal_no="Henkilötunnus", height="Pituus", address="Osoite",
               card_no="Kortin numero", valid_from="Voimassa alkaen", valid_until="asti",
               visa_type="Viisumityyppi", entries="Maahantulokertoja", duration="Oleskelun kesto",
               issued_at="Myönnetty", remarks="Huomautuksia", passport="PASSI",
               idcard="HENKILÖKORTTI", residence="OLESKELULUPA", visa="VIISUMI", eyes="Silmät",
               valid_for="Voimassa", page="Sivu", observations="MERKINNÄT", licence="AJOKORTTI"),
    "pl": dict(type="Typ", code="Kod", passport_no="Nr paszportu", doc_no="Nr dokumentu",
               surname="Nazwisko", given="Imiona", nationality="Obywatelstwo",
               dob="Data urodzenia", sex="Płeć", pob="Miejsce urodzenia", doi="Data wydania",
               authority="Organ wydający", doe="Data ważności", signature="Podpis posiadacza",
               personal_no="Nr PESEL", height="Wzrost", address="Adres", card_no="Nr karty",
               valid_from="Ważna od", valid_until="do", visa_type="Rodzaj wizy",
               entries="Liczba wjazdów", duration="Okres pobytu", issued_at="Wydana w",
               remarks="Uwagi", passport="PASZPORT", idcard="DOWÓD OSOBISTY",
               residence="KARTA POBYTU", visa="WIZA", eyes="Kolor oczu", valid_for="Ważna na",
               page="Str.", observations="ADNOTACJE", licence="PRAWO JAZDY"),
    "ru": dict(type="Тип", code="Код", passport_no="Номер паспорта", doc_no="Номер документа",
               surname="Фамилия", given="Имя", nationality="Гражданство",
               dob="Дата рождения", sex="Пол", pob="Место рождения", doi="Дата выдачи",
               authority="Орган, выдавший документ", doe="Дата окончания срока действия",
               signature="Подпись владельца", personal_no="Личный номер", height="Рост",
               address="Адрес", card_no="Номер карты", valid_from="Действительна с",
               valid_until="по", visa_type="Тип визы", entries="Кратность", duration="Срок пребывания",
               issued_at="Выдана в", remarks="Примечания", passport="ПАСПОРТ",
               idcard="УДОСТОВЕРЕНИЕ ЛИЧНОСТИ", residence="ВИД НА ЖИТЕЛЬСТВО", visa="ВИЗА",
               eyes="Цвет глаз", valid_for="Действительна для", page="Стр.",
               observations="ОСОБЫЕ ОТМЕТКИ", licence="ВОДИТЕЛЬСКОЕ УДОСТОВЕРЕНИЕ"),
    "el": dict(type="Τύπος", code="Κωδικός", passport_no="Αρ. διαβατηρίου", doc_no="Αρ. εγγράφου",
               surname="Επώνυμο", given="Όνομα", nationality="Ιθαγένεια",
               dob="Ημερ. γέννησης", sex="Φύλο", pob="Τόπος γέννησης", doi="Ημερ. έκδοσης",
               authority="Αρχή έκδοσης", doe="Ημερ. λήξης", signature="Υπογραφή κατόχου",
               personal_no="Προσωπικός αρ.", height="Ύψος", address="Διεύθυνση",
               card_no="Αρ. κάρτας", valid_from="Ισχύει από", valid_until="έως",
               visa_type="Τύπος θεώρησης", entries="Αριθμός εισόδων", duration="Διάρκεια παραμονής",
               issued_at="Εκδόθηκε στην", remarks="Παρατηρήσεις", passport="ΔΙΑΒΑΤΗΡΙΟ",
               idcard="ΔΕΛΤΙΟ ΤΑΥΤΟΤΗΤΑΣ", residence="ΑΔΕΙΑ ΔΙΑΜΟΝΗΣ", visa="ΘΕΩΡΗΣΗ",
               eyes="Χρώμα ματιών", valid_for="Ισχύει για", page="Σελ.",
               observations="ΠΑΡΑΤΗΡΗΣΕΙΣ", licence="ΑΔΕΙΑ ΟΔΗΓΗΣΗΣ"),
    "tr": dict(type="Tipi", code="Ülke kodu", passport_no="Pasaport No", doc_no="Belge No",
               surname="Soyadı", given="Adı", nationality="Uyruğu", dob="Doğum tarihi",
               sex="Cinsiyeti", pob="Doğum yeri", doi="Veriliş tarihi", authority="Makam",
               doe="Geçerlilik tarihi", signature="Hamilin imzası", personal_no="T.C. Kimlik No",
               height="Boy", address="Adres", card_no="Kart No", valid_from="Geçerlilik başlangıcı",
               valid_until="bitiş", visa_type="Vize türü", entries="Giriş sayısı",
               duration="Kalış süresi", issued_at="Verildiği yer", remarks="Açıklamalar",
               passport="PASAPORT", idcard="KİMLİK KARTI", residence="İKAMET İZNİ", visa="VİZE",
               eyes="Göz rengi", valid_for="Geçerli", page="Sayfa", observations="NOTLAR",
               licence="SÜRÜCÜ BELGESİ"),
    "ar": dict(passport="جواز سفر", idcard="بطاقة الهوية", visa="تأشيرة", residence="تصريح إقامة",
               surname="اللقب", given="الاسم", nationality="الجنسية", dob="تاريخ الميلاد",
               sex="الجنس", doe="تاريخ الانتهاء", doi="تاريخ الإصدار", pob="محل الميلاد",
               passport_no="رقم الجواز", authority="جهة الإصدار", type="النوع", code="الرمز"),
}

ARABIC_COUNTRY = {
    "EGY": "جمهورية مصر العربية", "MAR": "المملكة المغربية",
    "JOR": "المملكة الأردنية الهاشمية", "ARE": "الإمارات العربية المتحدة",
}

MONTHS = {
    "en": "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(),
    "fr": "JANV FÉVR MARS AVR MAI JUIN JUIL AOÛT SEPT OCT NOV DÉC".split(),
    "es": "ENE FEB MAR ABR MAY JUN JUL AGO SEP OCT NOV DIC".split(),
    "de": "JAN FEB MÄR APR MAI JUN JUL AUG SEP OKT NOV DEZ".split(),
    "it": "GEN FEB MAR APR MAG GIU LUG AGO SET OTT NOV DIC".split(),
    "pt": "JAN FEV MAR ABR MAI JUN JUL AGO SET OUT NOV DEZ".split(),
    "nl": "JAN FEB MRT APR MEI JUN JUL AUG SEP OKT NOV DEC".split(),
    "sv": "JAN FEB MAR APR MAJ JUN JUL AUG SEP OKT NOV DEC".split(),
    "fi": "TAM HELMI MAALIS HUHTI TOUKO KESÄ HEINÄ ELO SYYS LOKA MARRAS JOULU".split(),
    "pl": "STY LUT MAR KWI MAJ CZE LIP SIE WRZ PAŹ LIS GRU".split(),
    "tr": "OCA ŞUB MAR NİS MAY HAZ TEM AĞU EYL EKİ KAS ARA".split(),
    "ru": "ЯНВ ФЕВ МАР АПР МАЙ ИЮН ИЮЛ АВГ СЕН ОКТ НОЯ ДЕК".split(),
    "el": "ΙΑΝ ΦΕΒ ΜΑΡ ΑΠΡ ΜΑΪ ΙΟΥΝ ΙΟΥΛ ΑΥΓ ΣΕΠ ΟΚΤ ΝΟΕ ΔΕΚ".split(),
}


def label(lang, key):
    d = L.get(lang, L["en"])
    return d.get(key) or L["en"][key]


def bilingual(lang, key, second="en", sep=" / "):
    a = label(lang, key)
    if lang == second:
        second = "fr"
    b = label(second, key)
    if a == b:
        return a
    return a + sep + b


DATE_STYLES = ["dmy_mon_bi", "dmy_mon", "dmy_dot", "dmy_slash", "iso", "mdy_slash", "dmy_space",
               "dmy_mon_short"]


def fmt_date(d, style, lang, unknown=0):
    """unknown: 0 = full date, 1 = day unknown, 2 = day+month unknown."""
    dd = "%02d" % d.day if unknown == 0 else "XX"
    mm_i = d.month - 1
    mm = "%02d" % d.month if unknown < 2 else "XX"
    yyyy = "%04d" % d.year
    mon_l = MONTHS.get(lang, MONTHS["en"])[mm_i] if unknown < 2 else "XX"
    mon_e = MONTHS["en"][mm_i] if unknown < 2 else "XX"
    if style == "dmy_mon_bi":
        mon = mon_l if mon_l == mon_e else mon_l + "/" + mon_e
        return "%s %s %s" % (dd, mon, yyyy)
    if style == "dmy_mon":
        return "%s %s %s" % (dd, mon_l, yyyy)
    if style == "dmy_mon_short":
        return "%s %s %s" % (dd, mon_e, yyyy[2:])
    if style == "dmy_dot":
        return "%s.%s.%s" % (dd, mm, yyyy)
    if style == "dmy_slash":
        return "%s/%s/%s" % (dd, mm, yyyy)
    if style == "iso":
        return "%s-%s-%s" % (yyyy, mm, dd)
    if style == "mdy_slash":
        return "%s/%s/%s" % (mm, dd, yyyy)
    return "%s %s %s" % (dd, mm, yyyy)


def sex_viz(sex, lang, rng):
    v = {"M": "M", "F": "F", "<": "X"}[sex]
    if lang in ("sv", "fi") and sex == "F":
        return rng.choice(["K/F", "F"])
    if lang == "ru":
        return {"M": "МУЖ/M", "F": "ЖЕН/F", "<": "X"}[sex]
    if lang == "el":
        return {"M": "Α/M", "F": "Θ/F", "<": "X"}[sex]
    if rng.random() < 0.3:
        return v + "/" + v
    return v
