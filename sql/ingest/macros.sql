-- ingest/macros: how the extract format's values are read (extract-format.md,
-- "Files and values"). Every staging query of `vigie ingest` calls these
-- macros; a NULL result for a non-empty cell means the value does not parse
-- and the row is quarantined. The Go parsers of pipelines/values implement
-- the same grammar and are checked against these macros by a differential
-- test.
--
-- Each rule is written once, as a macro of the cell's text already trimmed
-- and NULL when empty (vigie_null, suffix _t): the staging query trims each
-- cell once and parses the result. The macro of the raw text (no suffix) is
-- that macro applied to vigie_null of the text.

-- An empty cell (or only spaces) is NULL. DuckDB's trim removes U+0020 and
-- the other Unicode space separators (U+00A0, U+2000 to U+200A, U+3000 …),
-- all of them spaces or non-ASCII; trim copies every string, so it is only
-- called on a text that starts or ends with a space, a control character or
-- a non-ASCII character (the comparisons are on bytes), or is empty.
CREATE OR REPLACE TEMP MACRO vigie_null(v) AS
    CASE WHEN v < '!' OR v >= chr(128) OR v[-1] <= ' ' OR v[-1] >= chr(128) THEN nullif(trim(v), '') ELSE v END;

-- A date written dd/mm/yyyy turned into yyyy-mm-dd, so that DuckDB's own
-- cast reads it (a cast is ten times cheaper than try_strptime).
CREATE OR REPLACE TEMP MACRO vigie_iso_order(t) AS
    regexp_replace(t, '^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})', '\3-\2-\1');

-- date: dd/mm/yyyy or yyyy-mm-dd (the cast refuses days that do not exist).
CREATE OR REPLACE TEMP MACRO vigie_date_t(t) AS
    CASE WHEN regexp_full_match(t, '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}')
         THEN TRY_CAST(vigie_iso_order(t) AS DATE) END;
CREATE OR REPLACE TEMP MACRO vigie_date(v) AS vigie_date_t(vigie_null(v));

-- date-time: dd/mm/yyyy hh:mm[:ss], yyyy-mm-dd hh:mm[:ss], yyyy-mm-ddThh:mm[:ss]
-- (fractions of a second accepted), local time Europe/Paris, kept naive.
-- Hours 0 to 23 only (the cast would read 24:00 as the next midnight).
CREATE OR REPLACE TEMP MACRO vigie_datetime_t(t) AS
    CASE WHEN regexp_full_match(t, '([0-9]{1,2}/[0-9]{1,2}/[0-9]{4}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})[ T]([01]?[0-9]|2[0-3]):[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?')
         THEN TRY_CAST(vigie_iso_order(replace(t, 'T', ' ')) AS TIMESTAMP) END;
CREATE OR REPLACE TEMP MACRO vigie_datetime(v) AS vigie_datetime_t(vigie_null(v));

-- date or date-time (evenements.date_evenement): a date means midnight.
CREATE OR REPLACE TEMP MACRO vigie_date_or_time_t(t) AS
    coalesce(vigie_datetime_t(t), vigie_date_t(t)::TIMESTAMP);

-- decimal: 1234,56 or 1234.56, two decimals at most (12.345 may be twelve
-- thousand with a thousands separator: refused, not rounded), no thousands
-- separator.
CREATE OR REPLACE TEMP MACRO vigie_decimal_t(t) AS
    CASE WHEN regexp_full_match(t, '[-+]?[0-9]+([.,][0-9]{1,2})?')
         THEN TRY_CAST(replace(t, ',', '.') AS DECIMAL(12, 2)) END;
CREATE OR REPLACE TEMP MACRO vigie_decimal(v) AS vigie_decimal_t(vigie_null(v));

-- boolean: oui/non, o/n, vrai/faux, true/false, 1/0, any case.
-- (list_contains, not IN: DuckDB may plan an IN list as a join, which does
-- not keep the order of the rows a staging query writes.)
CREATE OR REPLACE TEMP MACRO vigie_bool_t(t) AS
    CASE WHEN list_contains(['oui', 'o', 'vrai', 'true', '1'], lower(t)) THEN true
         WHEN list_contains(['non', 'n', 'faux', 'false', '0'], lower(t)) THEN false END;
CREATE OR REPLACE TEMP MACRO vigie_bool(v) AS vigie_bool_t(vigie_null(v));

-- code: lower-case, accents removed, spaces and dashes turned into _.
CREATE OR REPLACE TEMP MACRO vigie_code_t(t) AS
    regexp_replace(lower(strip_accents(t)), '[ -]', '_', 'g');

-- list: values separated by |, each trimmed, empty ones dropped (trimming
-- the whole cell first changes none of them).
CREATE OR REPLACE TEMP MACRO vigie_list_t(t) AS
    list_filter(list_transform(string_split(t, '|'), x -> trim(x)), x -> x <> '');

-- list of codes.
CREATE OR REPLACE TEMP MACRO vigie_code_list_t(t) AS
    list_transform(vigie_list_t(t), x -> vigie_code_t(x));

-- month: yyyy-mm.
CREATE OR REPLACE TEMP MACRO vigie_month_t(t) AS
    CASE WHEN regexp_full_match(t, '[0-9]{4}-(0[1-9]|1[0-2])') THEN t END;

-- identifier (structure codes, extract-format.md): letters, digits, - and _ only, 32 characters at
-- most (a code names report folders and files).
CREATE OR REPLACE TEMP MACRO vigie_identifier_t(t) AS
    CASE WHEN regexp_full_match(t, '[A-Za-z0-9_-]{1,32}') THEN t END;

-- digits with spaces allowed in input (SIRET): spaces removed; any other
-- character is kept so that the SIRET control can name the bad value.
CREATE OR REPLACE TEMP MACRO vigie_spaced_digits_t(t) AS
    nullif(regexp_replace(t, '\s', '', 'g'), '');

-- The form in which IDJ compares a justified identity value (rules.md IDJ):
-- trimmed, lower-case, accents removed; NULL when empty (unknown).
CREATE OR REPLACE TEMP MACRO vigie_idj_form(v) AS
    nullif(strip_accents(lower(trim(CAST(v AS VARCHAR)))), '');

-- Whether an incoming justified identity value changes the one held (IDJ):
-- compared with the stored value, or, when an extraction emptied it, with the
-- SHA-256 of the value it held before (blanked: identity_blanked; NULL when
-- none was ever known). An empty incoming value changes nothing.
CREATE OR REPLACE TEMP MACRO vigie_idj_changed(incoming, stored, blanked) AS
    coalesce(CASE WHEN vigie_idj_form(stored) IS NOT NULL THEN vigie_idj_form(incoming) <> vigie_idj_form(stored)
                  ELSE sha256(vigie_idj_form(incoming)) <> blanked END, false);
