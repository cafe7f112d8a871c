-- console findings (counts): the filtered findings counted along each axis a
-- dashboard charts (rule, gravité, suivi, structure, lieu, conseiller). Follows
-- findings_base.sql.
SELECT 'rule' AS axe, rule AS cle, count(*) AS n FROM filtered GROUP BY ALL
UNION ALL SELECT 'gravite', gravite, count(*) FROM filtered GROUP BY ALL
UNION ALL SELECT 'suivi', suivi, count(*) FROM filtered GROUP BY ALL
UNION ALL SELECT 'structure', code_structure, count(*) FROM filtered GROUP BY ALL
UNION ALL SELECT 'lieu', coalesce(code_lieu, ''), count(*) FROM filtered GROUP BY ALL
UNION ALL SELECT 'conseiller', coalesce(id_conseiller, ''), count(*) FROM filtered GROUP BY ALL
