// Neo4j variant of cross-province-accountability-breaks.cypher (the sections here replace the file's on Neo4j; the others are shared).
// Neo4j's planner estimates `day <= $as_of_day` to keep about 3% of the accidents, and at 1M it starts from
// that range seek (every accident, then every chain or place) where the relationships or items the audit is
// about are few. `WITH DISTINCT` ends the query part there, so the part after it is planned from the rows found.
// LadybugDB plans the same text 2-3x slower (a hash join against the distinct rows), so it keeps the shared one.
// At 1M: rows 11.4 s -> 0.9 s. The count is one scan of the accidents, an underived accident's paths counted
// where it is met (three scans of 1.5 s each in the shared UNION ALL, 1.8 s as one).
MATCH (p:Penalty) WHERE p.cross_province IS NULL OR p.cross_province
WITH DISTINCT p
MATCH (a:Accident)-[:INVESTIGATED_BY]->(i:Investigation)-[:RECOMMENDS]->(p)-[:ENFORCED_BY]->(d:Department)
WHERE a.day <= $as_of_day AND left(a.adcode, 2) <> left(d.adcode, 2)
  AND NOT EXISTS { MATCH (i)-[:LED_BY|MEMBER]->(x:Department) WHERE left(x.adcode, 2) = left(d.adcode, 2) }
WITH a, i, p, d, left(a.adcode, 2) + '0000' AS apc, left(d.adcode, 2) + '0000' AS dpc
MATCH (ap:Region {level: 'province'}) WHERE ap.adcode = apc
MATCH (dp:Region {level: 'province'}) WHERE dp.adcode = dpc
RETURN a.id AS accident_id,
       a.name AS accident,
       ap.name AS accident_province,
       i.id AS investigation_id,
       'Penalty' AS item_type,
       p.id AS item_id,
       p.name AS item,
       d.id AS department_id,
       d.name AS department,
       dp.name AS department_province,
       CASE WHEN p.executed_day <= $as_of_day THEN 'executed'
            WHEN p.checked_day <= $as_of_day THEN p.checked_status
            WHEN p.decided_day <= $as_of_day THEN 'decided'
            WHEN p.recommended_day <= $as_of_day THEN 'recommended' END AS status
UNION ALL
MATCH (p:Discipline) WHERE p.cross_province IS NULL OR p.cross_province
WITH DISTINCT p
MATCH (a:Accident)-[:INVESTIGATED_BY]->(i:Investigation)-[:RECOMMENDS]->(p)-[:ENFORCED_BY]->(d:Department)
WHERE a.day <= $as_of_day AND left(a.adcode, 2) <> left(d.adcode, 2)
  AND NOT EXISTS { MATCH (i)-[:LED_BY|MEMBER]->(x:Department) WHERE left(x.adcode, 2) = left(d.adcode, 2) }
WITH a, i, p, d, left(a.adcode, 2) + '0000' AS apc, left(d.adcode, 2) + '0000' AS dpc
MATCH (ap:Region {level: 'province'}) WHERE ap.adcode = apc
MATCH (dp:Region {level: 'province'}) WHERE dp.adcode = dpc
RETURN a.id AS accident_id,
       a.name AS accident,
       ap.name AS accident_province,
       i.id AS investigation_id,
       'Discipline' AS item_type,
       p.id AS item_id,
       p.name AS item,
       d.id AS department_id,
       d.name AS department,
       dp.name AS department_province,
       CASE WHEN p.executed_day <= $as_of_day THEN 'executed'
            WHEN p.checked_day <= $as_of_day THEN p.checked_status
            WHEN p.decided_day <= $as_of_day THEN 'decided'
            WHEN p.recommended_day <= $as_of_day THEN 'recommended' END AS status

// ---- count
MATCH (a:Accident)
WHERE a.day <= $as_of_day AND a.adcode IS NOT NULL
RETURN sum(CASE WHEN a.enforcement_assignments IS NOT NULL THEN a.enforcement_assignments
                ELSE COUNT { MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:ENFORCED_BY]->(d:Department)
                             WHERE d.adcode IS NOT NULL }
                   + COUNT { MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Discipline)-[:ENFORCED_BY]->(d:Department)
                             WHERE d.adcode IS NOT NULL } END) AS y
