// id: approval-chain-failures
// title_zh: 审批许可层层失守
// title_en: Approvals granted with prerequisites missing
// severity: high
// explains_zh: 每行汇总同一企业、同一事故名下的审批许可：这些许可在前置条件缺失（如没有合法建设手续、
//   材料造假）的情况下仍被批准（泉州欣佳酒店模式）。accident 取自许可对象企业负有责任的事故，
//   或同时涉及该许可和事故的发现问题；granted_by 为批准部门（图中未记录时为空）。审计人员应逐一核查各审批环节
//   为何没有识别缺失条件，追究审批人员责任，并检查同一部门同期批准的类似许可。
// explains_en: Each row groups, per enterprise and accident, approvals or licences that were granted although
//   prerequisites were missing (e.g. no lawful construction permit, forged documents) — the Quanzhou Xinjia hotel
//   pattern. The accident is one the approved enterprise is responsible for, or one a review finding ties to the
//   approval; granted_by lists the granting departments (empty when the graph does not record them). Examine why each
//   approval step missed the gap, hold the approvers to account, and check similar approvals the same departments
//   granted.
// param: as_of date today 基准日 / reference date (approvals granted after it are ignored)
// row_key: enterprise_id, accident_id
// count_zh: x = 前置条件缺失的审批许可；y = 全部审批许可
// count_en: x = approvals with missing prerequisites; y = all approvals
MATCH (ap:Approval)
WHERE size(coalesce(ap.prerequisites_missing, [])) > 0
  AND (ap.granted_day IS NULL OR ap.granted_day <= $as_of_day)
OPTIONAL MATCH (ap)-[:APPROVAL_FOR]->(e:Enterprise)
OPTIONAL MATCH (e)-[:RESPONSIBLE_FOR]->(a1:Accident)
OPTIONAL MATCH (f:Finding)-[:CONCERNS]->(ap)
OPTIONAL MATCH (f)-[:CONCERNS]->(a2:Accident)
OPTIONAL MATCH (ap)-[:GRANTED_BY]->(d:Department)
WITH ap, e, coalesce(a1.id, a2.id) AS accident_id, coalesce(a1.name, a2.name) AS accident, d
UNWIND ap.prerequisites_missing AS missing
RETURN e.id AS enterprise_id,
       e.name AS enterprise,
       accident_id AS accident_id,
       accident AS accident,
       count(DISTINCT ap.id) AS approvals,
       collect(DISTINCT ap.name) AS approval_names,
       collect(DISTINCT missing) AS missing_prerequisites,
       collect(DISTINCT d.name) AS granted_by
ORDER BY accident_id, enterprise_id

// ---- subgraph
MATCH (ap:Approval)
WHERE size(coalesce(ap.prerequisites_missing, [])) > 0
  AND (ap.granted_day IS NULL OR ap.granted_day <= $as_of_day)
MATCH (ap)-[:APPROVAL_FOR]->(e:Enterprise)
RETURN ap.id AS src, 'Approval' AS src_label, 'APPROVAL_FOR' AS rel, e.id AS dst, 'Enterprise' AS dst_label,
       ap.name AS src_name, e.name AS dst_name
UNION ALL
MATCH (ap:Approval)
WHERE size(coalesce(ap.prerequisites_missing, [])) > 0
  AND (ap.granted_day IS NULL OR ap.granted_day <= $as_of_day)
MATCH (ap)-[:GRANTED_BY]->(d:Department)
RETURN ap.id AS src, 'Approval' AS src_label, 'GRANTED_BY' AS rel, d.id AS dst, 'Department' AS dst_label,
       ap.name AS src_name, d.name AS dst_name
UNION ALL
MATCH (ap:Approval)
WHERE size(coalesce(ap.prerequisites_missing, [])) > 0
  AND (ap.granted_day IS NULL OR ap.granted_day <= $as_of_day)
MATCH (ap)-[:APPROVAL_FOR]->(e:Enterprise)-[:RESPONSIBLE_FOR]->(a:Accident)
RETURN e.id AS src, 'Enterprise' AS src_label, 'RESPONSIBLE_FOR' AS rel, a.id AS dst, 'Accident' AS dst_label,
       e.name AS src_name, a.name AS dst_name
UNION ALL
MATCH (ap:Approval)
WHERE size(coalesce(ap.prerequisites_missing, [])) > 0
  AND (ap.granted_day IS NULL OR ap.granted_day <= $as_of_day)
MATCH (f:Finding)-[:CONCERNS]->(ap)
RETURN f.id AS src, 'Finding' AS src_label, 'CONCERNS' AS rel, ap.id AS dst, 'Approval' AS dst_label,
       f.name AS src_name, ap.name AS dst_name
UNION ALL
MATCH (ap:Approval)
WHERE size(coalesce(ap.prerequisites_missing, [])) > 0
  AND (ap.granted_day IS NULL OR ap.granted_day <= $as_of_day)
MATCH (f:Finding)-[:CONCERNS]->(ap)
MATCH (f)-[:CONCERNS]->(a:Accident)
RETURN f.id AS src, 'Finding' AS src_label, 'CONCERNS' AS rel, a.id AS dst, 'Accident' AS dst_label,
       f.name AS src_name, a.name AS dst_name

// ---- count
MATCH (ap:Approval)
WHERE ap.granted_day IS NULL OR ap.granted_day <= $as_of_day
RETURN sum(CASE WHEN size(coalesce(ap.prerequisites_missing, [])) > 0 THEN 1 ELSE 0 END) AS x, count(ap) AS y
