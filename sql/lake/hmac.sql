-- hmac: vigie_hmac(v), the keyed hash that replaces every id in the lake (`vigie export`):
-- HMAC-SHA-256 (RFC 2104) of the value's UTF-8 text, as 64 hexadecimal characters; NULL stays NULL.
-- HMAC(K, m) = SHA-256((K ⊕ opad) ‖ SHA-256((K ⊕ ipad) ‖ m)), written with DuckDB's sha256 over blobs.
-- {{ipad}} and {{opad}} are the key's two padded blocks in hexadecimal, computed by the caller (a
-- macro takes no bound parameter); the macro is temporary, on the export's own connection.
CREATE OR REPLACE TEMP MACRO vigie_hmac(v) AS
    CASE WHEN v IS NULL THEN NULL
         ELSE sha256(unhex('{{opad}}') || unhex(sha256(unhex('{{ipad}}') || encode(CAST(v AS VARCHAR)))))
    END;
