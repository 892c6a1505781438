//! Which satisfaction-survey figures a report may show.
//!
//! A staff member must not be judged on two answers. So a report shows the survey
//! figures of a staff member only when they have at least
//! [`ReportSettings::min_survey_answers`](super::figures::ReportSettings) answers in the
//! report (its period and filters). "A staff member's answers" are the surveys of the
//! contacts they answered last (the fact's `agent_id`), as everywhere in the reports;
//! the store also records at offer time everyone who answered or joined the contact
//! (`survey_offers.staff`), but reports do not split one answer over several people.
//!
//! Hiding one row is not enough: the numbers must not be derivable from what is shown.
//! [`SurveyPrivacy`] therefore applies three rules, all computed from the facts alone:
//!
//! 1. **Too few.** A staff member with fewer than `min` answers is hidden (also one whose
//!    residents were offered the survey and nobody answered: no response rate of 0%).
//! 2. **Never one alone.** If exactly one staff member is hidden while others have
//!    answers, the total minus the others would give that person's numbers; so the
//!    colleague with the fewest answers (then the lowest id) is hidden as well. When
//!    nobody else has answers, the total itself is that one person and is withheld.
//! 3. **Every shown set.** A set of contacts (the total, or a part of a breakdown by queue,
//!    channel, topic, interpreter) shows its survey figures only if its answers from
//!    hidden staff members do not all come from one of them. Within a breakdown whose
//!    total is shown, the withheld parts together must not come down to one hidden staff
//!    member either (total minus shown parts); if they do, the shown part with the fewest
//!    answers that has answers of hidden staff members is withheld too.
//!
//! Per contact (the lists behind a number, the per-contact CSV), the survey answers of
//! contacts answered by a hidden staff member are left out: otherwise the list of one
//! staff member's contacts (filter on them, open "answered") and the per-contact answers
//! would give the numbers back.
//!
//! The limits: the rules hold within one report (one period and filter). A staff member
//! with enough answers in a quarter is shown in the quarter's report, with their contacts;
//! the report of one day of that quarter may hide them, but that day's answers are in the
//! quarter's list. Two breakdowns of different kinds (a queue and a channel that overlap)
//! are not checked against each other.

use super::ContactFact;
use super::figures::{Breakdown, BreakdownKey, survey_answer};
use std::collections::{BTreeMap, BTreeSet};

/// Why survey figures are not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    /// Fewer answers than the minimum (rule 1; the total when all its answers come from
    /// one such staff member).
    TooFew,
    /// Enough answers, but shown they would give away someone's numbers (rules 2 and 3).
    Withheld,
}

/// The staff members whose survey answers a report hides (see the module
/// documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyPrivacy {
    /// At least this many answers to be shown.
    pub min: u32,
    /// Rule 1: too few answers (at least one offer).
    too_few: BTreeSet<i64>,
    /// Rule 2: hidden so that a single hidden colleague cannot be derived.
    withheld: BTreeSet<i64>,
}

/// Answered surveys per staff member (the fact's `agent_id`).
fn answers_per_agent<'a>(facts: impl Iterator<Item = &'a ContactFact>) -> BTreeMap<i64, u64> {
    let mut n: BTreeMap<i64, u64> = BTreeMap::new();
    for c in facts {
        if let (Some(a), Some(_)) = (c.agent_id, survey_answer(c)) {
            *n.entry(a).or_default() += 1;
        }
    }
    n
}

impl SurveyPrivacy {
    /// The rules for the facts of one report, with at least `min` answers to be shown.
    pub fn new(facts: &[ContactFact], min: u32) -> SurveyPrivacy {
        let per_agent = answers_per_agent(facts.iter());
        let few = |a: &i64| per_agent.get(a).copied().unwrap_or(0) < u64::from(min);
        let offered: BTreeSet<i64> = facts
            .iter()
            .filter(|c| c.survey_offered_at.is_some())
            .filter_map(|c| c.agent_id)
            .chain(per_agent.keys().copied())
            .collect();
        let too_few: BTreeSet<i64> = offered.iter().copied().filter(few).collect();
        // Rule 2 counts those with answers: the others give nothing away.
        let alone = per_agent.keys().filter(|a| few(a)).count() == 1;
        let mut withheld = BTreeSet::new();
        if alone
            && let Some((_, a)) = per_agent
                .iter()
                .filter(|(a, _)| !too_few.contains(a))
                .map(|(&a, &n)| (n, a))
                .min()
        {
            withheld.insert(a);
        }
        SurveyPrivacy {
            min,
            too_few,
            withheld,
        }
    }

    /// Are the survey answers of this staff member's contacts hidden, and why?
    pub fn agent(&self, agent: Option<i64>) -> Option<Hidden> {
        let a = agent?;
        if self.too_few.contains(&a) {
            Some(Hidden::TooFew)
        } else if self.withheld.contains(&a) {
            Some(Hidden::Withheld)
        } else {
            None
        }
    }

    /// Is this contact's survey answer left out of per-contact lists and files?
    pub fn hides_contact(&self, c: &ContactFact) -> bool {
        self.agent(c.agent_id).is_some()
    }

    /// The hidden staff members with answers among these contacts.
    fn hidden_in<'a>(&self, facts: impl Iterator<Item = &'a ContactFact>) -> BTreeSet<i64> {
        answers_per_agent(facts)
            .into_keys()
            .filter(|&a| self.agent(Some(a)).is_some())
            .collect()
    }

    /// May the survey figures of this set of contacts be shown (rule 3)? `None`: yes.
    pub fn set<'a>(&self, facts: impl Iterator<Item = &'a ContactFact>) -> Option<Hidden> {
        let hidden = self.hidden_in(facts);
        let mut one = hidden.iter();
        match (one.next(), one.next()) {
            (Some(&a), None) => Some(self.agent(Some(a)).unwrap_or(Hidden::Withheld)),
            _ => None,
        }
    }

    /// For each part of breakdown `b` of `facts` that has contacts: may its survey
    /// figures be shown? `total_shown`: whether the report shows the survey figures of all
    /// of `facts` (then the withheld parts together are checked too).
    pub fn parts(
        &self,
        facts: &[ContactFact],
        b: Breakdown,
        total_shown: bool,
    ) -> BTreeMap<BreakdownKey, Option<Hidden>> {
        let mut parts: BTreeMap<BreakdownKey, Vec<&ContactFact>> = BTreeMap::new();
        for c in facts {
            parts.entry(b.key_of(c)).or_default().push(c);
        }
        let mut shown: BTreeMap<BreakdownKey, Option<Hidden>> = parts
            .iter()
            .map(|(k, part)| {
                let h = match k {
                    BreakdownKey::Agent(a) => self.agent(*a),
                    _ => self.set(part.iter().copied()),
                };
                (*k, h)
            })
            .collect();
        if total_shown {
            let withheld_hidden = self.hidden_in(
                parts
                    .iter()
                    .filter(|(k, _)| shown.get(k).is_some_and(Option::is_some))
                    .flat_map(|(_, p)| p.iter().copied()),
            );
            if withheld_hidden.len() == 1 {
                let smallest = parts
                    .iter()
                    .filter(|(k, p)| {
                        shown.get(k).is_some_and(Option::is_none)
                            && !self.hidden_in(p.iter().copied()).is_empty()
                    })
                    .map(|(k, p)| {
                        let n = p.iter().filter(|c| survey_answer(c).is_some()).count();
                        (n, *k)
                    })
                    .min();
                if let Some((_, k)) = smallest {
                    shown.insert(k, Some(Hidden::Withheld));
                }
            }
        }
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insight::{
        ContactRef, Millis, OriginKind, QuestionAnswered, ReportChannel, SurveyAnswer,
    };

    /// A contact answered by `agent` in `queue`, with a survey answer `score` (0: offered,
    /// not answered).
    fn answered(id: i64, queue: i64, agent: i64, score: u8) -> ContactFact {
        let at: Millis = 1_772_438_400_000 + id * 60_000;
        let mut f = ContactFact::new(
            ContactRef::Conversation(id),
            queue,
            ReportChannel::Chat,
            OriginKind::Web,
            at,
        );
        f.agent_id = Some(agent);
        f.answered_at = Some(at + 1_000);
        f.ended_at = Some(at + 60_000);
        f.survey_offered_at = f.ended_at;
        if score > 0 {
            f.survey = Some(SurveyAnswer {
                at: at + 90_000,
                satisfaction: score,
                answered: QuestionAnswered::Yes,
                connection: None,
            });
        }
        f
    }

    fn team(spec: &[(i64, i64, usize)]) -> Vec<ContactFact> {
        // (agent, queue, answers)
        let mut facts = Vec::new();
        let mut id = 0;
        for &(agent, queue, n) in spec {
            for i in 0..n {
                id += 1;
                facts.push(answered(id, queue, agent, [1, 5, 3, 4, 2][i % 5]));
            }
        }
        facts
    }

    #[test]
    fn below_the_minimum_is_hidden_with_enough_it_is_shown() {
        // Agent 1: 5 answers (shown at min 5), agent 2: 4, agent 3: 4 (too few).
        let facts = team(&[(1, 1, 5), (2, 1, 4), (3, 1, 4)]);
        let p = SurveyPrivacy::new(&facts, 5);
        assert_eq!(p.agent(Some(1)), None);
        assert_eq!(p.agent(Some(2)), Some(Hidden::TooFew));
        assert_eq!(p.agent(Some(3)), Some(Hidden::TooFew));
        assert_eq!(p.agent(None), None);
        // Two hidden: the total is shown (it cannot be split between them).
        assert_eq!(p.set(facts.iter()), None);
        // Offers without an answer do not count towards the minimum.
        let mut four = team(&[(1, 1, 4)]);
        four.push(answered(99, 1, 1, 0));
        assert_eq!(
            SurveyPrivacy::new(&four, 5).agent(Some(1)),
            Some(Hidden::TooFew)
        );
        // Offered, nobody answered: hidden too (no "0%" beside their name), but not a
        // reason to hide a colleague (there is nothing to derive).
        let mut none = team(&[(1, 1, 6), (2, 1, 2), (3, 1, 7)]);
        none.push(answered(98, 1, 4, 0));
        let p = SurveyPrivacy::new(&none, 5);
        assert_eq!(p.agent(Some(4)), Some(Hidden::TooFew));
        assert_eq!(p.agent(Some(2)), Some(Hidden::TooFew));
        assert_eq!(p.agent(Some(1)), Some(Hidden::Withheld));
        assert_eq!(p.agent(Some(3)), None);
        // At minimum 1 nobody is hidden.
        let p1 = SurveyPrivacy::new(&facts, 1);
        assert!(facts.iter().all(|c| !p1.hides_contact(c)));
    }

    #[test]
    fn one_hidden_agent_takes_the_smallest_colleague_along() {
        // Agent 3 has 2 answers; total minus agents 1 and 2 would give them away.
        let facts = team(&[(1, 1, 9), (2, 1, 6), (3, 1, 2), (4, 1, 7)]);
        let p = SurveyPrivacy::new(&facts, 5);
        assert_eq!(p.agent(Some(3)), Some(Hidden::TooFew));
        assert_eq!(p.agent(Some(2)), Some(Hidden::Withheld));
        assert_eq!(p.agent(Some(1)), None);
        assert_eq!(p.agent(Some(4)), None);
        assert_eq!(p.set(facts.iter()), None);
        // Only one agent answered at all, with too few: the total is theirs, withheld.
        let alone = team(&[(7, 1, 3)]);
        let p = SurveyPrivacy::new(&alone, 5);
        assert_eq!(p.set(alone.iter()), Some(Hidden::TooFew));
        for b in Breakdown::ALL {
            assert!(
                p.parts(&alone, b, false).values().all(Option::is_some),
                "{b:?}"
            );
        }
    }

    #[test]
    fn a_queue_served_by_one_hidden_agent_is_withheld_and_so_is_its_complement() {
        // Queue 1: agents 1 (9) and 2 (3, hidden); queue 2: agent 3 (2, hidden) alone;
        // queue 3: agent 4 (8) alone.
        let facts = team(&[(1, 1, 9), (2, 1, 3), (3, 2, 2), (4, 3, 8)]);
        let p = SurveyPrivacy::new(&facts, 5);
        assert_eq!(p.set(facts.iter()), None);
        let parts = p.parts(&facts, Breakdown::Queue, true);
        // Queue 2 is agent 3 alone; queue 1 holds hidden agent 2 alone among the hidden.
        assert_eq!(parts[&BreakdownKey::Queue(2)], Some(Hidden::TooFew));
        assert_eq!(parts[&BreakdownKey::Queue(1)], Some(Hidden::TooFew));
        assert_eq!(parts[&BreakdownKey::Queue(3)], None);
        // Queue 3 has no hidden answers; total - queue 3 = queues 1 + 2: two hidden.
        let shown_hidden: Vec<_> = parts.values().filter(|h| h.is_some()).collect();
        assert_eq!(shown_hidden.len(), 2);

        // Queue A: hidden agents 2 and 3 together (shown), queue B: agent 2 alone
        // (withheld). Total - A = B: agent 2 alone, so A must go as well.
        let mut facts = team(&[(1, 1, 9), (2, 1, 2), (3, 1, 2)]);
        facts.extend(team(&[(2, 2, 1)]).into_iter().map(|mut c| {
            c.contact = ContactRef::Conversation(500);
            c
        }));
        let p = SurveyPrivacy::new(&facts, 5);
        let parts = p.parts(&facts, Breakdown::Queue, true);
        assert_eq!(parts[&BreakdownKey::Queue(2)], Some(Hidden::TooFew));
        assert_eq!(parts[&BreakdownKey::Queue(1)], Some(Hidden::Withheld));
        // Without a shown total there is nothing to subtract from.
        let parts = p.parts(&facts, Breakdown::Queue, false);
        assert_eq!(parts[&BreakdownKey::Queue(1)], None);
    }

    /// Whatever is shown, no hidden staff member's figures come out by subtraction: for
    /// random teams, every shown set has 0 or at least 2 hidden staff members' answers,
    /// and so does total minus the shown parts of each breakdown.
    #[test]
    fn nothing_shown_singles_out_a_hidden_agent() {
        let mut seed: u64 = 0x5EED_2026;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for round in 0..300 {
            let agents = next(6) as i64 + 1;
            let spec: Vec<(i64, i64, usize)> = (0..next(10) + 1)
                .map(|_| {
                    (
                        next(agents as u64) as i64 + 1,
                        next(3) as i64 + 1,
                        next(7) as usize,
                    )
                })
                .collect();
            let facts = team(&spec);
            let min = next(8) as u32 + 1;
            let p = SurveyPrivacy::new(&facts, min);
            let total_shown = p.set(facts.iter()).is_none();
            let hidden_of = |set: &[&ContactFact]| p.hidden_in(set.iter().copied()).len();
            if total_shown {
                let all: Vec<&ContactFact> = facts.iter().collect();
                assert_ne!(hidden_of(&all), 1, "round {round}");
            }
            for b in Breakdown::ALL {
                let parts = p.parts(&facts, b, total_shown);
                let mut rest: Vec<&ContactFact> = Vec::new();
                for (k, h) in &parts {
                    let part: Vec<&ContactFact> = facts.iter().filter(|c| k.matches(c)).collect();
                    if h.is_none() {
                        assert_ne!(hidden_of(&part), 1, "round {round}, {b:?}, {k:?}");
                    } else {
                        rest.extend(part);
                    }
                }
                if total_shown {
                    assert_ne!(hidden_of(&rest), 1, "round {round}, {b:?}: total - shown");
                }
                // Every staff member below the minimum is hidden in the agent breakdown.
                if b == Breakdown::Agent {
                    for (a, n) in answers_per_agent(facts.iter()) {
                        if n < u64::from(min) {
                            assert_eq!(parts[&BreakdownKey::Agent(Some(a))], Some(Hidden::TooFew));
                        }
                    }
                }
            }
        }
    }
}
