// Neo4j variant of regulatory-blind-spots.cypher (the sections here replace the file's on Neo4j; the others are shared).
// Neo4j's planner estimates `day <= $as_of_day` to keep about 3% of the accidents, and at 1M it starts from
// that range seek (every accident, then every chain or place) where the relationships or items the audit is
// about are few. `WITH DISTINCT` ends the query part there, so the part after it is planned from the rows found.
// LadybugDB plans the same text 2-3x slower (a hash join against the distinct rows), so it keeps the shared one.
// At 1M: the enterprises' branch 7.8 s -> 0.75 s (the enterprises without a supervising department first, then
// their accidents).
MATCH (f:Finding)
WHERE f.checked_day IS NULL OR f.checked_day <= $as_of_day
UNWIND $terms AS term
WITH f, term
WHERE f.subcategory CONTAINS term OR f.category CONTAINS term
WITH DISTINCT f
OPTIONAL MATCH (f)-[:CONCERNS]->(r:Region)
RETURN 'finding' AS kind,
       f.id AS subject_id,
       f.name AS subject,
       r.name AS region,
       // typed nulls: Ladybug refuses a bare NULL beside a STRING column in UNION ALL
       CASE WHEN f.id IS NULL THEN f.id END AS accident_id,
       CASE WHEN f.id IS NULL THEN f.name END AS accident,
       f.category AS category,
       f.subcategory AS detail
UNION ALL
MATCH (e:Enterprise)
WHERE NOT (e)<-[:SUPERVISES]-(:Department)
WITH DISTINCT e
MATCH (e)-[:RESPONSIBLE_FOR]->(a:Accident)
WHERE a.day <= $as_of_day
OPTIONAL MATCH (e)-[:IN_REGION]->(r:Region)
RETURN 'enterprise' AS kind,
       e.id AS subject_id,
       e.name AS subject,
       r.name AS region,
       a.id AS accident_id,
       a.name AS accident,
       e.sector AS category,
       '图中无监管部门 / no supervising department in the graph' AS detail
