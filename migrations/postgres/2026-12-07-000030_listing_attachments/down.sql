-- The dropped URLs are gone; the column keeps its shape (a JSON list), so nothing to undo.
SELECT 1;
