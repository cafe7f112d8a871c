-- drop_macro: removes vigie_hmac, and with it the key's padded blocks, from the export's connection.
DROP MACRO IF EXISTS vigie_hmac;
