DROP TABLE company_closures;
DROP TABLE appeals;
DROP TABLE takedown_events;
DROP TABLE takedown_notices;
DROP TABLE enforcement_actions;
DROP TABLE item_holds;
