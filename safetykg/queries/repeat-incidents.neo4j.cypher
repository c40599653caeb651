// Neo4j variant of repeat-incidents.cypher (the sections here replace the file's on Neo4j; the others are shared).
// Neo4j's planner estimates `day <= $as_of_day` to keep about 3% of the accidents, and at 1M it starts from
// that range seek (every accident, then every chain or place) where the relationships or items the audit is
// about are few. `WITH DISTINCT` ends the query part there, so the part after it is planned from the rows found.
// LadybugDB plans the same text 2-3x slower (a hash join against the distinct rows), so it keeps the shared one.
// At 1M: 17.4 s -> 8.7 s (rows 5.5 -> 2.5, total 5.7 -> 2.3, x 5.7 -> 1.5; y unchanged, 2.4).
MATCH (a2)-[e:RECURRENCE_OF]->()
WHERE 'same_prefecture' IN e.rules AND e.days <= $window_days AND a2.day <= $as_of_day
WITH DISTINCT a2, e
MATCH (a2)-[:OCCURRED_IN]->(r2:Region)-[:PART_OF*0..1]->(u:Region {level: 'prefecture'})
WITH a2, e, u, r2 ORDER BY u.adcode, a2.day - e.days, e.earlier_id, a2.id SKIP $page_offset LIMIT $page_limit  // page
MATCH (a2)-[:RECURRENCE_OF]->(a1:Accident)
WHERE a1.id = e.earlier_id
WITH a1, a2, e, u, r2
UNWIND (coalesce(a1.mechanisms, []) + ['']) AS m
WITH a1, a2, e, u, r2,
     collect(DISTINCT CASE WHEN m <> '' AND m IN coalesce(a2.mechanisms, []) THEN m END) AS shared
OPTIONAL MATCH (a1)-[:OCCURRED_IN]->(r1:Region)
WITH a1, a2, e, u, r2, shared, r1 WHERE r1 IS NOT NULL
RETURN u.adcode AS prefecture_code,
       u.name AS prefecture,
       a1.id AS earlier_id,
       a1.name AS earlier,
       a1.date AS earlier_date,
       r1.name AS earlier_place,
       a2.id AS later_id,
       a2.name AS later,
       a2.date AS later_date,
       r2.name AS later_place,
       e.days AS days_between,
       a1.kind AS kind,
       shared AS shared_mechanisms
ORDER BY prefecture_code, earlier_date, earlier_id, later_id

// ---- count
MATCH (r:Region)-[:PART_OF*0..1]->(:Region {level: 'prefecture'})
WITH DISTINCT r
MATCH (a:Accident)-[:OCCURRED_IN]->(r)
WHERE a.day <= $as_of_day
RETURN count(DISTINCT a) AS y

// ---- count
MATCH (a2)-[e:RECURRENCE_OF]->()
WHERE 'same_prefecture' IN e.rules AND e.days <= $window_days AND a2.day <= $as_of_day
UNWIND [e.earlier_id, a2.id] AS one
RETURN count(DISTINCT one) AS x

// ---- total
MATCH (a2)-[e:RECURRENCE_OF]->()
WHERE 'same_prefecture' IN e.rules AND e.days <= $window_days AND a2.day <= $as_of_day
WITH DISTINCT a2, e
MATCH (a2)-[:OCCURRED_IN]->(r2:Region)-[:PART_OF*0..1]->(u:Region {level: 'prefecture'})
RETURN count(*) AS total
