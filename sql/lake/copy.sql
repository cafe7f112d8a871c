-- copy: writes one dataset of the lake (`vigie export`): the rows of {{select}} (a SELECT built from
-- the table specifications: identity and free-text columns left out, ids through vigie_hmac, the
-- structure as code_structure) as Parquet files under {{dir}}, one folder per structure
-- (code_structure=…/, Hive partitioning, the column itself stored in the folder name only);
-- {{compression}} is the COPY options of the codec (COMPRESSION zstd, COMPRESSION_LEVEL 1 by default),
-- from the caller's allow-list.
COPY ({{select}}) TO {{dir}} (FORMAT parquet, {{compression}}, PARTITION_BY (code_structure));
