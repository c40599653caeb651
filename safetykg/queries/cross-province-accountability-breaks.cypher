// id: cross-province-accountability-breaks
// title_zh: 跨省追责衔接断裂
// title_en: Cross-province accountability breaks
// severity: medium
// explains_zh: 每行是一项事故调查建议的行政处罚或处分，其执行部门位于事故发生省份之外的另一个省，
//   而该省没有任何部门牵头或参加这次事故调查（图中无 LED_BY / MEMBER 关系）。外省机关没有参与调查，
//   往往不认同、不执行报告的处理建议，导致长期追责不到位。审计人员应核实该建议是否已函告外省机关、
//   外省是否作出处理决定，并建议今后邀请相关省份参加调查。status 为截至基准日的最新已知状态。
// explains_en: Each row is a penalty or discipline recommended by an accident investigation whose enforcing
//   department sits in a different province from the accident, where no department of that province led or was a
//   member of the investigation (no LED_BY / MEMBER in the graph). Authorities left out of an investigation often do
//   not accept or act on its recommendations, so accountability lapses. Check that the recommendation was formally
//   sent to that province and whether it was acted on; future investigations should invite the province concerned.
//   status is the latest known status as of the reference date.
// param: as_of date today 基准日 / reference date (accidents after it are ignored)
// row_key: item_id, department_id
// order: accident_id, item_id, department_id
// count_zh: x = 跨省断裂的执行分派；y = 调查建议事项的全部执行分派
// count_en: x = broken cross-province assignments; y = all enforcement assignments of recommended items
// Provinces are compared by place code: every unit of the gazetteer has its province's two leading digits (GB/T
// 2260; a test checks the shipped gazetteer). The rows start from the items whose derived `cross_province` is true
// or not derived yet (null): graph/enforcement.py derives it after every load by this same condition without the
// reference date, and every write clears the values it could change, so the candidates hold every row and each is
// checked here in full (at 1M accidents ~15k items instead of 1.4M assignments: the audit 5.8 s -> 1.2 s). Whether a
// department of the enforcing province took part (LED_BY or MEMBER) is a NOT EXISTS on the same codes; the two
// provinces' names are looked up among the provinces only for the rows kept. A unit without a place code (a national
// body) has no province and is not compared.
MATCH (p:Penalty) WHERE p.cross_province IS NULL OR p.cross_province
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

// ---- subgraph
MATCH (a:Accident)-[:INVESTIGATED_BY]->(i:Investigation)-[:RECOMMENDS]->(p:Penalty)-[:ENFORCED_BY]->(d:Department)
      -[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(dp:Region {level: 'province'})
MATCH (a)-[:OCCURRED_IN]->(:Region)-[:PART_OF*0..2]->(ap:Region {level: 'province'})
WHERE a.day <= $as_of_day
  AND dp.adcode <> ap.adcode
  AND NOT (i)-[:LED_BY]->(:Department)-[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(dp)
  AND NOT (i)-[:MEMBER]->(:Department)-[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(dp)
RETURN p.id AS src, 'Penalty' AS src_label, 'ENFORCED_BY' AS rel, d.id AS dst, 'Department' AS dst_label,
       p.name AS src_name, d.name AS dst_name
UNION ALL
MATCH (a:Accident)-[:INVESTIGATED_BY]->(i:Investigation)-[:RECOMMENDS]->(p:Penalty)-[:ENFORCED_BY]->(d:Department)
      -[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(dp:Region {level: 'province'})
MATCH (a)-[:OCCURRED_IN]->(:Region)-[:PART_OF*0..2]->(ap:Region {level: 'province'})
WHERE a.day <= $as_of_day
  AND dp.adcode <> ap.adcode
  AND NOT (i)-[:LED_BY]->(:Department)-[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(dp)
  AND NOT (i)-[:MEMBER]->(:Department)-[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(dp)
RETURN i.id AS src, 'Investigation' AS src_label, 'RECOMMENDS' AS rel, p.id AS dst, 'Penalty' AS dst_label,
       i.name AS src_name, p.name AS dst_name
UNION ALL
MATCH (a:Accident)-[:INVESTIGATED_BY]->(i:Investigation)-[:RECOMMENDS]->(p:Discipline)-[:ENFORCED_BY]->(d:Department)
      -[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(dp:Region {level: 'province'})
MATCH (a)-[:OCCURRED_IN]->(:Region)-[:PART_OF*0..2]->(ap:Region {level: 'province'})
WHERE a.day <= $as_of_day
  AND dp.adcode <> ap.adcode
  AND NOT (i)-[:LED_BY]->(:Department)-[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(dp)
  AND NOT (i)-[:MEMBER]->(:Department)-[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(dp)
RETURN p.id AS src, 'Discipline' AS src_label, 'ENFORCED_BY' AS rel, d.id AS dst, 'Department' AS dst_label,
       p.name AS src_name, d.name AS dst_name
UNION ALL
MATCH (a:Accident)-[:INVESTIGATED_BY]->(i:Investigation)-[:RECOMMENDS]->(p:Discipline)-[:ENFORCED_BY]->(d:Department)
      -[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(dp:Region {level: 'province'})
MATCH (a)-[:OCCURRED_IN]->(:Region)-[:PART_OF*0..2]->(ap:Region {level: 'province'})
WHERE a.day <= $as_of_day
  AND dp.adcode <> ap.adcode
  AND NOT (i)-[:LED_BY]->(:Department)-[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(dp)
  AND NOT (i)-[:MEMBER]->(:Department)-[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(dp)
RETURN i.id AS src, 'Investigation' AS src_label, 'RECOMMENDS' AS rel, p.id AS dst, 'Discipline' AS dst_label,
       i.name AS src_name, p.name AS dst_name
UNION ALL
MATCH (a:Accident)-[:INVESTIGATED_BY]->(i:Investigation)-[:RECOMMENDS]->(p)-[:ENFORCED_BY]->(d:Department)
      -[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(dp:Region {level: 'province'})
MATCH (a)-[:OCCURRED_IN]->(:Region)-[:PART_OF*0..2]->(ap:Region {level: 'province'})
WHERE a.day <= $as_of_day
  AND dp.adcode <> ap.adcode
  AND NOT (i)-[:LED_BY]->(:Department)-[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(dp)
  AND NOT (i)-[:MEMBER]->(:Department)-[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(dp)
RETURN a.id AS src, 'Accident' AS src_label, 'INVESTIGATED_BY' AS rel, i.id AS dst, 'Investigation' AS dst_label,
       a.name AS src_name, i.name AS dst_name
UNION ALL
MATCH (a:Accident)-[:INVESTIGATED_BY]->(i:Investigation)-[:RECOMMENDS]->(p)-[:ENFORCED_BY]->(d:Department)
      -[:IN_REGION]->(r:Region)-[:PART_OF*0..2]->(dp:Region {level: 'province'})
MATCH (a)-[:OCCURRED_IN]->(:Region)-[:PART_OF*0..2]->(ap:Region {level: 'province'})
WHERE a.day <= $as_of_day
  AND dp.adcode <> ap.adcode
  AND NOT (i)-[:LED_BY]->(:Department)-[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(dp)
  AND NOT (i)-[:MEMBER]->(:Department)-[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(dp)
RETURN d.id AS src, 'Department' AS src_label, 'IN_REGION' AS rel, r.adcode AS dst, 'Region' AS dst_label,
       d.name AS src_name, r.name AS dst_name
UNION ALL
MATCH (a:Accident)-[:INVESTIGATED_BY]->(i:Investigation)-[:RECOMMENDS]->(p)-[:ENFORCED_BY]->(d:Department)
      -[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(dp:Region {level: 'province'})
MATCH (a)-[:OCCURRED_IN]->(r:Region)-[:PART_OF*0..2]->(ap:Region {level: 'province'})
WHERE a.day <= $as_of_day
  AND dp.adcode <> ap.adcode
  AND NOT (i)-[:LED_BY]->(:Department)-[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(dp)
  AND NOT (i)-[:MEMBER]->(:Department)-[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(dp)
RETURN a.id AS src, 'Accident' AS src_label, 'OCCURRED_IN' AS rel, r.adcode AS dst, 'Region' AS dst_label,
       a.name AS src_name, r.name AS dst_name

// ---- count
// x (broken assignments) is the rows' total, so the count section returns y alone: every enforcement
// assignment of a recommended item whose two provinces are known (a national body has none: not compared).
// Each accident's derived `enforcement_assignments` counts its paths to an enforcing department with a place code
// (graph/enforcement.py); the reference date and the accident's own code are applied here. An accident whose count
// is not derived (null) has its paths counted, one branch per label (unlabelled, LadybugDB would also walk the
// Measures). sum(1), not count(*): LadybugDB types a sum INT128 and a count INT64, and the branches must agree.
MATCH (a:Accident)
WHERE a.day <= $as_of_day AND a.adcode IS NOT NULL AND a.enforcement_assignments IS NOT NULL
RETURN sum(a.enforcement_assignments) AS y
UNION ALL
MATCH (a:Accident)
WHERE a.enforcement_assignments IS NULL AND a.day <= $as_of_day AND a.adcode IS NOT NULL
MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:ENFORCED_BY]->(d:Department)
WHERE d.adcode IS NOT NULL
RETURN sum(1) AS y
UNION ALL
MATCH (a:Accident)
WHERE a.enforcement_assignments IS NULL AND a.day <= $as_of_day AND a.adcode IS NOT NULL
MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Discipline)-[:ENFORCED_BY]->(d:Department)
WHERE d.adcode IS NOT NULL
RETURN sum(1) AS y
