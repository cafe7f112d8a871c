-- carry_attach: attaches, read-only, the former warehouse whose archivings a restored copy takes over
-- (rules.md ARC: an archived identity never comes back, a restore included). {{former}} is its path
-- as an SQL literal (ATTACH takes no parameter).
ATTACH {{former}} AS vigie_former (READ_ONLY);
