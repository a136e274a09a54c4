DROP TABLE screening_results;
DROP TABLE screening_rules;
