-- subscriptions/structure_name: a structure's name, for the scope a subscriber's email and
-- workbook name. $1 the structure code.
SELECT nom FROM structures WHERE code_structure = ?;
