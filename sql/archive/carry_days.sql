-- carry_days: the days of the archivings a restored copy takes over, with their number of dossiers.
SELECT date_archivage, count(*) FROM archive_carry GROUP BY ALL ORDER BY 1;
