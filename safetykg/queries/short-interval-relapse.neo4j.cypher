// Neo4j variant of short-interval-relapse.cypher (the sections here replace the file's on Neo4j; the others are shared).
// Neo4j's planner estimates `day <= $as_of_day` to keep about 3% of the accidents, and at 1M it starts from
// that range seek (every accident, then every chain or place) where the relationships or items the audit is
// about are few. `WITH DISTINCT` ends the query part there, so the part after it is planned from the rows found.
// LadybugDB plans the same text 2-3x slower (a hash join against the distinct rows), so it keeps the shared one.
// At 1M: 12.2 s -> 3.6 s (rows and the total taken from them 4.8 + 5.3 -> 0.8 + 0.8).
MATCH (a2)-[e:RECURRENCE_OF]->(a1)
WHERE 'province_short_interval' IN e.rules AND e.days <= $days AND a2.day <= $as_of_day
WITH DISTINCT a2, e, a1
MATCH (a2)-[:OCCURRED_IN]->(:Region)-[:PART_OF*0..2]->(p:Region {level: 'province'})
RETURN p.adcode AS province_code,
       p.name AS province,
       a1.id AS earlier_id,
       a1.name AS earlier,
       a1.date AS earlier_date,
       a1.severity AS earlier_severity,
       a1.deaths AS earlier_deaths,
       a2.id AS later_id,
       a2.name AS later,
       a2.date AS later_date,
       a2.severity AS later_severity,
       a2.deaths AS later_deaths,
       e.days AS days_between
ORDER BY province_code, earlier_date, earlier_id, later_id
