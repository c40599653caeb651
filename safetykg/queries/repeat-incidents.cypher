// id: repeat-incidents
// title_zh: 同一地市同类事故重复发生
// title_en: Repeat incidents in the same prefecture
// severity: high
// explains_zh: 每行是一对事故：发生在同一地市（区县归并到所属地级市；直辖市的区县归并到直辖市本身；
//   省直辖的县级市、林区等自成一个单位；只记到省一级的事故不参与比较），类别相同或至少有一个相同的致因标签，
//   先后间隔不超过 window_days 天，days_between 为间隔天数。每对事故只出现一次，先发生者在前。
//   这说明前一起事故的教训没有被吸取、同类隐患没有被整治。审计人员应核查前一起事故的整改措施
//   是否覆盖了后一起事故的致因，当地是否开展了同类隐患专项整治。
// explains_en: Each row is a pair of accidents in the same prefecture-level unit (counties roll up to their
//   prefecture; districts and counties of the four municipalities roll up to the municipality; county-level units
//   directly under a province count as their own unit; accidents recorded only at province level are not compared)
//   that share the accident kind or at least one mechanism tag and happened within window_days days of each other;
//   days_between is the gap. Each pair appears once, earlier accident first. It suggests the lessons of the first accident
//   were not learned. Check whether the first accident's rectification measures covered the causes of the second
//   and whether a local campaign against that hazard was carried out.
// param: as_of date today 基准日 / reference date (accidents after it are ignored)
// param: window_days int 365 时间窗（天） / maximum days between the two accidents
// row_key: earlier_id, later_id
// count_zh: x = 属于某一对重复事故的事故数；y = 可归入地市的事故数
// count_en: x = accidents in at least one repeat pair; y = accidents placed in a prefecture
// Two MATCH clauses, not one path: Neo4j never reuses a relationship within one pattern, so two accidents
// in the same county (sharing its PART_OF edge) would silently drop out there but not on Ladybug.
MATCH (a1:Accident)-[:OCCURRED_IN]->(r1:Region)-[:PART_OF*0..2]->(u:Region)
MATCH (a2:Accident)-[:OCCURRED_IN]->(r2:Region)-[:PART_OF*0..2]->(u)
WHERE (u.level = 'prefecture'
       OR (u.level = 'province' AND u.adcode IN ['110000', '120000', '310000', '500000'])
       OR (u.level = 'county' AND NOT (u)-[:PART_OF]->(:Region {level: 'prefecture'})
           AND NOT left(u.adcode, 2) IN ['11', '12', '31', '50']))
  AND a1.id <> a2.id
  AND (a1.day < a2.day OR (a1.day = a2.day AND a1.id < a2.id))
  AND a2.day - a1.day <= $window_days
  AND a2.day <= $as_of_day
WITH a1, a2, u, r1, r2
UNWIND (coalesce(a1.mechanisms, []) + ['']) AS m
WITH a1, a2, u, r1, r2,
     collect(DISTINCT CASE WHEN m <> '' AND m IN coalesce(a2.mechanisms, []) THEN m END) AS shared
WHERE a1.kind = a2.kind OR size(shared) > 0
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
       a2.day - a1.day AS days_between,
       coalesce(a1.kind = a2.kind, false) AS same_kind,
       a1.kind AS earlier_kind,
       a2.kind AS later_kind,
       shared AS shared_mechanisms
ORDER BY prefecture_code, earlier_date, earlier_id, later_id

// ---- subgraph
// Two MATCH clauses, not one path: Neo4j never reuses a relationship within one pattern, so two accidents
// in the same county (sharing its PART_OF edge) would silently drop out there but not on Ladybug.
MATCH (a1:Accident)-[:OCCURRED_IN]->(r1:Region)-[:PART_OF*0..2]->(u:Region)
MATCH (a2:Accident)-[:OCCURRED_IN]->(r2:Region)-[:PART_OF*0..2]->(u)
WHERE (u.level = 'prefecture'
       OR (u.level = 'province' AND u.adcode IN ['110000', '120000', '310000', '500000'])
       OR (u.level = 'county' AND NOT (u)-[:PART_OF]->(:Region {level: 'prefecture'})
           AND NOT left(u.adcode, 2) IN ['11', '12', '31', '50']))
  AND a1.id <> a2.id
  AND (a1.day < a2.day OR (a1.day = a2.day AND a1.id < a2.id))
  AND a2.day - a1.day <= $window_days
  AND a2.day <= $as_of_day
WITH a1, a2, u, r1, r2
UNWIND (coalesce(a1.mechanisms, []) + ['']) AS m
WITH a1, a2, u, r1, r2,
     collect(DISTINCT CASE WHEN m <> '' AND m IN coalesce(a2.mechanisms, []) THEN m END) AS shared
WHERE a1.kind = a2.kind OR size(shared) > 0
UNWIND [0, 1, 2, 3, 4] AS part
WITH a1, a2, u, r1, r2, part
WHERE (part = 0) OR (part = 1) OR (part = 2) OR (part = 3 AND r1.adcode <> u.adcode)
   OR (part = 4 AND r2.adcode <> u.adcode)
RETURN CASE part WHEN 0 THEN a2.id WHEN 1 THEN a1.id WHEN 2 THEN a2.id WHEN 3 THEN r1.adcode ELSE r2.adcode END AS src,
       CASE part WHEN 3 THEN 'Region' WHEN 4 THEN 'Region' ELSE 'Accident' END AS src_label,
       CASE part WHEN 0 THEN 'RECURRENCE_OF' WHEN 1 THEN 'OCCURRED_IN' WHEN 2 THEN 'OCCURRED_IN' ELSE 'PART_OF' END AS rel,
       CASE part WHEN 0 THEN a1.id WHEN 1 THEN r1.adcode WHEN 2 THEN r2.adcode ELSE u.adcode END AS dst,
       CASE part WHEN 0 THEN 'Accident' ELSE 'Region' END AS dst_label,
       CASE part WHEN 0 THEN a2.name WHEN 1 THEN a1.name WHEN 2 THEN a2.name WHEN 3 THEN r1.name ELSE r2.name END AS src_name,
       CASE part WHEN 0 THEN a1.name WHEN 1 THEN r1.name WHEN 2 THEN r2.name ELSE u.name END AS dst_name

// ---- count
MATCH (a:Accident)-[:OCCURRED_IN]->(:Region)-[:PART_OF*0..2]->(u:Region)
WHERE (u.level = 'prefecture'
       OR (u.level = 'province' AND u.adcode IN ['110000', '120000', '310000', '500000'])
       OR (u.level = 'county' AND NOT (u)-[:PART_OF]->(:Region {level: 'prefecture'})
           AND NOT left(u.adcode, 2) IN ['11', '12', '31', '50']))
  AND a.day <= $as_of_day
OPTIONAL MATCH (b:Accident)-[:OCCURRED_IN]->(:Region)-[:PART_OF*0..2]->(u)
WHERE b.id <> a.id AND b.day <= $as_of_day
  AND b.day - a.day <= $window_days AND a.day - b.day <= $window_days
WITH a, b
UNWIND (coalesce(a.mechanisms, []) + ['']) AS m
WITH a, b, m,
     CASE WHEN b IS NULL THEN 0
          WHEN a.kind = b.kind OR (m <> '' AND m IN coalesce(b.mechanisms, [])) THEN 1 ELSE 0 END AS hit
WITH a, sum(hit) AS hits
RETURN sum(CASE WHEN hits > 0 THEN 1 ELSE 0 END) AS x, count(a) AS y
