-- drop: what an export leaves on its connection goes at its end, the key's padded blocks with the
-- macro (drop_macro.sql), since the connection returns to the pool. {{map}} is one map table.
DROP TABLE IF EXISTS {{map}};
