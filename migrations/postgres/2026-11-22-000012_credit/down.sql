DROP TABLE credit_profiles;
DROP TABLE ratings;
DROP TABLE penalties;
ALTER TABLE companies DROP COLUMN credit_score;
ALTER TABLE companies DROP COLUMN licence_warned_days;
ALTER TABLE companies DROP COLUMN licence_expires_on;
ALTER TABLE companies DROP COLUMN licence_image_url;
