//! What the leader reads first, computed once from the model: the counts of 总览 and the
//! paragraph a clerk pastes into a 通报 (`docs/outputs.md#overview-sheet`). The workbook's 总览 and
//! `通报_<year>.docx` both show it; it must not format a workbook or a document.

use super::ReportModel;
use crate::evaluate::{Amount, UnitScore};
use crate::outcome::Submission;
use chrono::Datelike;

/// The county's year at a glance.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Overview {
    /// `2026年12月31日`.
    pub as_of: String,
    /// Units expected to submit: the roster's, else those that did.
    pub expected: usize,
    pub submitted: usize,
    /// Units that sent nothing countable, and units whose files could not be read.
    pub missing: Vec<String>,
    pub unreadable: Vec<String>,
    /// Units that submitted but could not be judged (no type).
    pub untyped: Vec<String>,
    /// Submitted units with no rule 未达标 and none 进度滞后.
    pub on_quota: usize,
    /// Per unit type, in schema order: the submitted units with a rule 未达标, and those with one
    /// 进度滞后 (and none 未达标), in ranking order.
    pub missed: Vec<(String, Vec<String>)>,
    pub behind: Vec<(String, Vec<String>)>,
    /// Accountability cases, when the schema has a case sheet.
    pub cases: Option<u32>,
    /// Per subject list: its name, its entries, and those still pending.
    pub subjects: Vec<(String, usize, usize)>,
    /// The county's tally columns (发现问题数, 已整改数, 整改率).
    pub tallies: Vec<(String, Option<Amount>)>,
    /// The paragraph for a 通报, numbers and names filled in.
    pub paragraph: String,
}

impl Overview {
    pub(crate) fn of(model: &ReportModel<'_>) -> Overview {
        let card = model.card;
        let d = card.as_of;
        let units = &model.checked.units;
        let named = |status: Submission| -> Vec<String> {
            (units.iter())
                .filter(|u| u.status == status)
                .map(|u| u.unit.name.clone())
                .collect()
        };
        let submitted_units: Vec<&UnitScore> = (card.units.iter())
            .filter(|u| u.status == Submission::Submitted)
            .collect();
        let by_type = |pick: &dyn Fn(&UnitScore) -> bool| -> Vec<(String, Vec<String>)> {
            (model.schema.unit_types.iter())
                .map(|t| {
                    let names = (submitted_units.iter())
                        .filter(|u| u.unit_type == *t && pick(u))
                        .map(|u| u.name.clone())
                        .collect();
                    (t.clone(), names)
                })
                .filter(|(_, names): &(String, Vec<String>)| !names.is_empty())
                .collect()
        };
        let missed = by_type(&|u| u.missed_count > 0);
        let behind = by_type(&|u| u.missed_count == 0 && u.behind_count > 0);
        let cases =
            (card.units.iter().map(|u| u.cases)).try_fold(0u32, |sum, c| c.map(|c| sum + c));
        let subjects = (model.subject_lists.iter())
            .map(|t| {
                let pending = (t.entries.iter())
                    .filter(|e| e.outcome != t.list.outcome)
                    .count();
                (t.list.name.clone(), t.entries.len(), pending)
            })
            .collect();
        let mut overview = Overview {
            as_of: format!("{}年{}月{}日", d.year(), d.month(), d.day()),
            expected: units.len(),
            submitted: submitted_units.len() + named(Submission::Untyped).len(),
            missing: named(Submission::Missing),
            unreadable: named(Submission::Unreadable),
            untyped: named(Submission::Untyped),
            on_quota: (submitted_units.iter())
                .filter(|u| u.missed_count == 0 && u.behind_count == 0)
                .count(),
            missed,
            behind,
            cases: model.cases.as_ref().and(cases),
            subjects,
            tallies: card.tallies.0.clone(),
            paragraph: String::new(),
        };
        overview.paragraph = overview.paragraph(card.year, &model.schema.name);
        overview
    }

    /// `截至2026年12月31日，全县应报送单位40个，已报送39个……`: every number and name of 总览
    /// in sentences a 通报 can take as they stand.
    fn paragraph(&self, year: i32, work_name: &str) -> String {
        let mut p = format!(
            "截至{}，{year}年度{}台账应报送单位{}个，已报送{}个",
            self.as_of, work_name, self.expected, self.submitted
        );
        let not_in = self.missing.len() + self.unreadable.len();
        if not_in > 0 {
            let mut names = self.missing.clone();
            names.extend(self.unreadable.iter().cloned());
            p.push_str(&format!("，未报送{not_in}个（{}）", names.join("、")));
        }
        p.push('。');
        p.push_str(&format!(
            "已报送单位中，{}个单位各项考核指标均已达标",
            self.on_quota
        ));
        let missed: usize = self.missed.iter().map(|(_, n)| n.len()).sum();
        if missed > 0 {
            p.push_str(&format!(
                "，{missed}个单位存在未达标指标（{}）",
                groups_text(&self.missed)
            ));
        }
        let behind: usize = self.behind.iter().map(|(_, n)| n.len()).sum();
        if behind > 0 {
            p.push_str(&format!(
                "，{behind}个单位进度滞后（{}）",
                groups_text(&self.behind)
            ));
        }
        if !self.untyped.is_empty() {
            p.push_str(&format!(
                "，{}个单位因单位类型不明未考核（{}）",
                self.untyped.len(),
                self.untyped.join("、")
            ));
        }
        p.push('。');
        if let Some(cases) = self.cases {
            p.push_str(&format!("全年共问责{cases}件"));
            for (name, n, pending) in &self.subjects {
                if *n > 0 {
                    p.push_str(&format!("，{n}个领导班子或领导干部列入{name}名单"));
                    if *pending > 0 {
                        p.push_str(&format!("（其中{pending}个待办结后认定）"));
                    }
                }
            }
            p.push('。');
        }
        let sums: Vec<String> = (self.tallies.iter())
            .filter_map(|(name, v)| match v {
                Some(Amount::Sum(n)) => Some(format!("{name}{n}个")),
                Some(Amount::Ratio(r)) => Some(format!("{name}{:.1}%", r * 100.0)),
                None => None,
            })
            .collect();
        if !sums.is_empty() {
            p.push_str(&format!("督查检查{}。", sums.join("，")));
        }
        p
    }
}

/// `乡镇：新田乡、文昌镇；部门：县教育局`.
pub(crate) fn groups_text(groups: &[(String, Vec<String>)]) -> String {
    (groups.iter())
        .map(|(g, names)| format!("{g}：{}", names.join("、")))
        .collect::<Vec<_>>()
        .join("；")
}
