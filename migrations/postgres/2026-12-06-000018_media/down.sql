DROP TABLE media_links;
DROP TABLE media;
