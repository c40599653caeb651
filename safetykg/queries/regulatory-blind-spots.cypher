// id: regulatory-blind-spots
// title_zh: 监管盲区
// title_en: Regulatory blind spots
// severity: medium
// explains_zh: 两类行：kind=finding 是评估检查发现的问题中，类别或子类含有盲区用语（terms 参数，如“盲区”“空白”）的一项，
//   region 为其涉及的地区；kind=enterprise 是对某起事故负有责任、但图中没有任何部门对其有监管关系（SUPERVISES）的企业。
//   注意：图中没有监管关系，可能只是来源没有写明监管部门（未知），不一定真的无人监管。
//   审计人员应先查明该企业（行业、项目）依法应由哪个部门监管，若确无部门履职，列为监管盲区督促明确职责。
// explains_en: Two kinds of rows. kind=finding: a review finding whose category or subcategory uses blind-spot wording
//   (the terms parameter, e.g. 盲区 "blind spot", 空白 "gap"), with the region it concerns. kind=enterprise: an
//   enterprise responsible for an accident that no department SUPERVISES in the graph. Caution: a missing SUPERVISES
//   link may only mean the sources do not name the supervisor (unknown), not that nobody supervised. First establish
//   which department is legally responsible for the enterprise, sector or project; if none acted, treat it as a blind
//   spot and press for responsibilities to be assigned.
// param: as_of date today 基准日 / reference date (facts dated after it are ignored)
// param: terms list 盲区,空白,不纳入监管,无人监管,漏管,失管 盲区用语 / blind-spot wording searched in finding categories
// row_key: kind, subject_id, accident_id, region
// order: kind, subject_id, accident_id, region
// count_zh: x = 图中无监管部门的事故责任企业；y = 事故责任企业
// count_en: x = responsible enterprises with no supervising department in the graph; y = responsible enterprises
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
MATCH (e:Enterprise)-[:RESPONSIBLE_FOR]->(a:Accident)
WHERE a.day <= $as_of_day
  AND NOT (e)<-[:SUPERVISES]-(:Department)
OPTIONAL MATCH (e)-[:IN_REGION]->(r:Region)
RETURN 'enterprise' AS kind,
       e.id AS subject_id,
       e.name AS subject,
       r.name AS region,
       a.id AS accident_id,
       a.name AS accident,
       e.sector AS category,
       '图中无监管部门 / no supervising department in the graph' AS detail

// ---- subgraph
MATCH (f:Finding)
WHERE f.checked_day IS NULL OR f.checked_day <= $as_of_day
UNWIND $terms AS term
WITH f, term
WHERE f.subcategory CONTAINS term OR f.category CONTAINS term
WITH DISTINCT f
MATCH (f)-[:CONCERNS]->(d:Department)
RETURN f.id AS src, 'Finding' AS src_label, 'CONCERNS' AS rel, d.id AS dst, 'Department' AS dst_label,
       f.name AS src_name, d.name AS dst_name
UNION ALL
MATCH (f:Finding)
WHERE f.checked_day IS NULL OR f.checked_day <= $as_of_day
UNWIND $terms AS term
WITH f, term
WHERE f.subcategory CONTAINS term OR f.category CONTAINS term
WITH DISTINCT f
MATCH (f)-[:CONCERNS]->(r:Region)
RETURN f.id AS src, 'Finding' AS src_label, 'CONCERNS' AS rel, r.adcode AS dst, 'Region' AS dst_label,
       f.name AS src_name, r.name AS dst_name
UNION ALL
MATCH (e:Enterprise)-[:RESPONSIBLE_FOR]->(a:Accident)
WHERE a.day <= $as_of_day
  AND NOT (e)<-[:SUPERVISES]-(:Department)
RETURN e.id AS src, 'Enterprise' AS src_label, 'RESPONSIBLE_FOR' AS rel, a.id AS dst, 'Accident' AS dst_label,
       e.name AS src_name, a.name AS dst_name

// ---- count
// Enterprises with an accident by the date, as an EXISTS test per enterprise rather than a DISTINCT over
// every enterprise-accident pair: half the time at 100k accidents.
MATCH (e:Enterprise)
WHERE EXISTS { MATCH (e)-[:RESPONSIBLE_FOR]->(a:Accident) WHERE a.day <= $as_of_day }
RETURN sum(CASE WHEN NOT EXISTS { MATCH (e)<-[:SUPERVISES]-(:Department) } THEN 1 ELSE 0 END) AS x, count(e) AS y
