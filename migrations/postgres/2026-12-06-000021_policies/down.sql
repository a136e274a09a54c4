DROP TABLE policy_acceptances;
DROP TABLE policy_documents;
