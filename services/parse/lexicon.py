"""The parse stage's word lists, in one place: the rule modules hold logic and read their words from here.

Lists are lower case and matched case-insensitively; where a language is named it is the one the words
come from, not a limit on where the rule applies. Add words here, not in the rules.
"""

from __future__ import annotations

# --- Notices: short blocks between and after the paragraphs that are not the story (boilerplate.py) ---

# Openings of a promotion, a link to another article, a credit line, a licence, a media player.
NOTICE_OPENINGS: tuple[str, ...] = (
    # English
    "read more", "related", "see more", "see also", "also on", "also read", "more:", "click here", "follow us",
    "get the latest", "like this story", "share this", "reporting by", "editing by", "copyright",
    "©", "source:", "filed under", "popular on", "most read", "you may also like", "don't miss", "dont miss",
    "tell us what you think", "recommended", "trending", "watch:", "listen:", "download:", "photo:", "image:",
    "picture:", "credit:", "sign up", "subscribe", "story continues below", "with files from", "- advertisement",
    "with reporting by", "we independently select", "reviews and recommendations are unbiased",
    "this is a modal window", "thanks for signing up", "keep an eye on your inbox",
    # German
    "lesen sie auch", "lesen sie mehr", "lies auch", "mehr zum thema", "mehr dazu", "auch interessant",
    "das könnte sie auch interessieren", "das könnte dich auch interessieren", "zum artikel", "zum thema:",
    "weitere artikel", "weiterlesen", "fehler gefunden", "mit agenturmaterial", "folgen sie uns", "folgst du",
    "abonnieren sie", "abonniere", "jetzt abonnieren", "ihre meinung ist uns wichtig", "zur startseite",
    "bild:", "foto:", "fotos:", "quelle:", "video:", "audio:", "hinweis der redaktion",
    "lest den originalartikel", "dies ist eine maschinelle übersetzung",
    # French
    "lire aussi", "à lire aussi", "a lire aussi", "voir aussi", "lire la suite", "abonnez-vous", "inscrivez-vous",
    "suivez-nous", "crédit photo", "crédits photo", "à voir aussi",
    # Spanish, Portuguese, Italian
    "lee también", "lea también", "te puede interesar", "le puede interesar", "leer más", "ver más",
    "suscríbete", "síguenos", "leia também", "leia mais", "veja também", "saiba mais", "assine",
    "leggi anche", "potrebbe interessarti", "iscriviti", "seguici",
    # Dutch, Scandinavian
    "lees ook", "lees meer", "volg ons", "les også", "läs också", "læs også",
)  # fmt: skip
# Labels that are a notice when they are the whole block ("Advertisement", "Anzeige", "Comments").
NOTICE_LABELS: tuple[str, ...] = (
    "more:", "advertisement", "comments", "article content", "anzeige", "werbung", "hinweis:", "bitte beachten:",
    "publicité", "publicidad", "publicidade", "pubblicità", "advertentie", "annonse", "annons", "reklame",
)  # fmt: skip
# Phrases that mark a short block as a notice wherever they stand in it.
NOTICE_PHRASES: tuple[str, ...] = (
    "newsletter", "contributed to this report", "contributed reporting", "all rights reserved",
    "follow us on", "follow him on", "follow her on", "follow me on", "click here", "copyright", "©",
    "may earn an affiliate commission", "may earn a commission", "may get a share of the sale",
    "alle rechte vorbehalten", "tous droits réservés", "todos los derechos reservados", "jetzt melden",
    "whatsapp-kanal", "telegram-kanal",
)  # fmt: skip
# Labels of a publication or update date, in any language seen on news pages; a short block that opens
# with one and holds a digit is the page's date line, not story text. Also read by dates.py.
DATE_LABELS: tuple[str, ...] = (
    "published", "updated", "last updated", "posted", "posted on", "first published", "modified",
    "veröffentlicht", "veröffentlicht am", "aktualisiert", "aktualisiert am", "zuletzt aktualisiert", "stand:",
    "datum:", "erschienen am", "publié le", "publié", "mis à jour le", "mis à jour", "publicado el", "publicado",
    "actualizado", "publicado em", "atualizado em", "atualizado", "pubblicato il", "pubblicato", "aggiornato",
    "gepubliceerd", "bijgewerkt", "publisert", "oppdatert", "publicerad", "uppdaterad", "publiceret",
    "opdateret", "opublikowano", "zveřejněno", "aktualizováno", "yayınlanma", "güncelleme", "опубликовано",
    "обновлено", "기사입력", "입력", "수정", "更新", "公開", "发布时间",
)  # fmt: skip
# "4 min read", "Lesedauer: 4 Minuten", "3 Minuten Lesezeit", "Tempo de leitura: 2 minutos".
READING_TIME_WORDS: tuple[str, ...] = (
    "min read", "minute read", "minutes read", "lesedauer", "lesezeit", "tempo de leitura", "tiempo de lectura",
    "temps de lecture", "tempo di lettura", "leestijd", "lesetid", "läsningstid", "okuma süresi",
)  # fmt: skip

# --- Dates (dates.py) ---

# Month names and their usual abbreviations, by month number; English, German, French, Spanish, Italian,
# Portuguese, Dutch, Danish/Norwegian/Swedish, Polish, Czech and Turkish genitive or nominative forms.
MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "januar", "jänner", "janvier", "janv", "enero", "ene", "gennaio", "gen", "janeiro",
        "januari", "stycznia", "styczeń", "ledna", "leden", "ocak"),
    2: ("february", "feb", "februar", "février", "févr", "fevrier", "febrero", "febbraio", "fevereiro", "fev",
        "februari", "lutego", "luty", "února", "únor", "şubat", "subat"),
    3: ("march", "mar", "märz", "maerz", "mars", "marzo", "março", "marco", "maart", "mrt", "marts", "mars",
        "marca", "marzec", "března", "březen", "mart"),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "aprile", "kwietnia", "kwiecień", "dubna", "duben",
        "nisan"),
    5: ("may", "mai", "mayo", "maggio", "mag", "maio", "mei", "maj", "maja", "května", "květen", "mayıs",
        "mayis"),
    6: ("june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho", "czerwca", "czerwiec", "června",
        "červen", "haziran"),
    7: ("july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho", "lipca", "lipiec",
        "července", "červenec", "temmuz"),
    8: ("august", "aug", "août", "aout", "agosto", "ago", "augustus", "augusti", "sierpnia", "sierpień", "srpna",
        "srpen", "ağustos", "agustos"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "settembre", "set", "setembro", "september",
        "września", "wrzesień", "září", "eylül", "eylul"),
    10: ("october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out",
         "października", "październik", "října", "říjen", "ekim"),
    11: ("november", "nov", "novembre", "noviembre", "novembro", "listopada", "listopad", "listopadu", "kasım",
         "kasim"),
    12: ("december", "dec", "dezember", "dez", "décembre", "déc", "diciembre", "dic", "dicembre", "dezembro",
         "desember", "grudnia", "grudzień", "prosince", "prosinec", "aralık", "aralik"),
}  # fmt: skip
# Labels that mark the displayed date as the publication's rather than the last change's (DATE_LABELS
# holds both kinds; these are the update ones).
UPDATE_LABELS: tuple[str, ...] = (
    "updated", "last updated", "modified", "aktualisiert", "aktualisiert am", "zuletzt aktualisiert", "mis à jour",
    "mis à jour le", "actualizado", "atualizado", "atualizado em", "aggiornato", "bijgewerkt", "oppdatert",
    "uppdaterad", "opdateret", "aktualizováno", "güncelleme", "обновлено", "수정", "更新",
)  # fmt: skip

# --- Bylines (byline.py) ---

# Words that introduce a byline rather than belong to a name: "By", "Text:", "Von", "Por"...
BYLINE_LEADS: tuple[str, ...] = (
    "by", "von", "por", "par", "door", "di", "da", "av", "af", "oleh", "text", "texto", "texte", "текст", "автор",
    "author", "autor", "autorin", "auteur", "autore", "skrevet av", "written by", "posted by", "reported by",
)  # fmt: skip
# Words before the lead: "Written by", "Story by", "Text und Fotos: ".
BYLINE_LEAD_PREFIXES: tuple[str, ...] = (
    "written", "posted", "reported", "published", "story", "words", "text", "photos", "photo", "reporting",
    "edited", "updated",
)  # fmt: skip
# Conjunctions between co-authors (not one-letter ones such as Italian 'e', which names hold).
BYLINE_CONJUNCTIONS: tuple[str, ...] = ("and", "und", "et", "y", "og", "och", "en", "и", "ve")
# Link labels around a name: "View all posts by", "Alle Beiträge von", "Mehr von", "More from".
BYLINE_LINK_LABELS: tuple[str, ...] = (
    "view all posts by", "all posts by", "more posts by", "more from", "more by", "articles by",
    "alle beiträge von", "alle artikel von", "mehr von", "weitere artikel von", "tous les articles de",
    "todos los artículos de", "tutti gli articoli di", "profile of", "profil von",
)  # fmt: skip
# Words that make a byline part a role, a desk, an organisation or a placeholder rather than a person.
NOT_A_PERSON: frozenset[str] = frozenset({
    "writer", "editor", "editors", "staff", "correspondent", "reporter", "contributor", "columnist",
    "media", "news", "press", "bureau", "desk", "team", "agency", "international", "newsroom", "service",
    "magazine", "online", "digital", "group", "network", "radio", "tv", "television", "times", "post",
    "daily", "weekly", "journal", "herald", "tribune", "admin", "administrator", "webmaster", "guest",
    "redaksi", "redacción", "redaction", "rédaction", "redazione", "redaktion", "editorial", "sponsored",
    "updated", "published", "posted",
    "inc", "ltd", "llc", "gmbh", "co", "com", "org", "net", "partner", "partners", "wire",
    # placeholders and labels that CMSs put where a name belongs
    "username", "name", "follow", "anonymous", "unknown", "agenturen", "agentur", "nachrichten", "image",
    "images", "photo", "photos", "getty", "shutterstock", "gast", "invité", "invitado", "gastautor",
    # account and sharing links in a page header that carries an "author" class
    "sign", "login", "logout", "register", "subscribe", "account", "menu", "anmelden", "registrieren",
    "abonnieren", "connexion", "facebook", "twitter", "instagram", "linkedin", "whatsapp", "telegram",
})  # fmt: skip
# Month and day names end a byline's name when its date follows ("Nathan Willis March 25"); inside a
# name they are names ("Laura June Topolsky").
DATE_WORDS: frozenset[str] = frozenset({
    "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
    "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
})  # fmt: skip
# Lower-case words a name may hold: "Marcus de Guzman", "Ludwig van Beethoven", "Osama bin Laden".
NAME_PARTICLES: frozenset[str] = frozenset({
    "de", "da", "do", "dos", "das", "di", "del", "della", "der", "den", "van", "von", "ter", "bin", "al", "el",
    "la", "le", "du", "y", "e", "ibn", "zu", "st",
})  # fmt: skip
