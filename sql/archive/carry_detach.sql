-- carry_detach: lets go of the former warehouse and of the list carried over.
DROP TABLE IF EXISTS archive_carry;
DETACH DATABASE IF EXISTS vigie_former;
