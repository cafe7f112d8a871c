-- unknown structures: TER, rules.md. Of the ceding structure $1 and the receiving structure $2,
-- those the warehouse does not know (structures), so that a plan never names a Mission Locale
-- that does not exist (a typo in --to).
SELECT v.code
FROM (VALUES ($1::VARCHAR), ($2::VARCHAR)) v(code)
WHERE v.code NOT IN (SELECT code_structure FROM structures)
ORDER BY v.code
