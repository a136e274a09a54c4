//! Relevance scores of a search's hits, computed hit by hit.
//!
//! A search's text score is a tree: the sum over its clauses of the best alternative, an
//! alternative the sum of its words (all needed), a word the sum of its weighted field terms.
//! Built as tantivy queries, that tree is a nest of buffered unions, and a union reads every
//! posting of every term of every alternative in every field, hit or not: with synonyms and
//! translations that was 2–3× the postings of the search's own words, each often repeated
//! (`stainless` in `stainless` and in `stainless steel`), and most of a search's time. Here the
//! hits (the matching part, on `body`) are walked once, and counted on the way; each distinct
//! (field, term) posting list skips ahead to the hit and is scored once however often the tree
//! uses it. Scores are those
//! of the tantivy queries ([`ScoreTree::queries`], which highlighting still uses), up to the
//! order of float additions; a test compares both.

use std::collections::HashMap;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::Bm25Weight;
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, EnableScoring, FuzzyTermQuery, Occur, Query,
    Scorer, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Searcher, SegmentReader, TERMINATED, Term};

use crate::SearchError;
use crate::collect::{Counter, TopK, rank_column};
use crate::lexicon::{self, ClauseWord, WordField};
use crate::query::{QueryWord, ScoringCost, Typos, typo_query};
use crate::schema::Fields;

type FieldOf = fn(&Fields) -> tantivy::schema::Field;

/// How often (in hits) scoring hit by hit checks its projected cost against the unions'.
const JUDGE_EVERY: u64 = 256;

/// Text field weights: a word in a title counts three times as much as in the description.
const FIELD_WEIGHTS: [(FieldOf, f32); 5] = [
    (|f| f.title_zh, 3.0),
    (|f| f.title_en, 3.0),
    (|f| f.keywords, 2.0),
    (|f| f.attributes, 1.5),
    (|f| f.description, 1.0),
];

/// A word of an alternative: its term in each text field (distinct term, field weight), or in
/// the pinyin field, and its typo matching.
#[derive(Debug, Clone, Default)]
struct Word {
    fields: Vec<(usize, f32)>,
    typo: Option<usize>,
}

/// An alternative of a clause: all of its words, their text scores times `weight`.
#[derive(Debug, Clone)]
struct Alt {
    weight: f32,
    words: Vec<usize>,
}

/// The scoring part of a search: a clause scores its best alternative, over deduplicated
/// words and terms (each computed once per hit).
pub(crate) struct ScoreTree {
    terms: Vec<Term>,
    /// Each term's document frequency (looked up once, when the tree is built).
    doc_freqs: Vec<u64>,
    typos: Vec<FuzzyTermQuery>,
    words: Vec<Word>,
    clauses: Vec<Vec<Alt>>,
}

impl ScoreTree {
    /// The scoring clauses of `words` as [`lexicon::clauses`] expands them. A term no document
    /// holds in that field is left out (it would score nothing).
    pub(crate) fn build(
        searcher: &Searcher,
        f: &Fields,
        words: &[QueryWord],
        synonyms: &lexicon::Synonyms,
        typos: Typos,
    ) -> ScoreTree {
        let mut builder = Builder {
            searcher,
            f,
            typos,
            tree: ScoreTree {
                terms: Vec::new(),
                doc_freqs: Vec::new(),
                typos: Vec::new(),
                words: Vec::new(),
                clauses: Vec::new(),
            },
            terms_seen: HashMap::new(),
            words_seen: HashMap::new(),
        };
        for clause in lexicon::clauses(words, synonyms) {
            let alts = clause
                .alts
                .iter()
                .map(|alt| Alt {
                    weight: alt.weight,
                    words: alt.words.iter().map(|w| builder.word(w)).collect(),
                })
                .collect();
            builder.tree.clauses.push(alts);
        }
        builder.tree
    }

    /// Whether a word also matches with typos.
    pub(crate) fn has_typos(&self) -> bool {
        !self.typos.is_empty()
    }

    /// The postings tantivy's unions read to score with [`Self::queries`]: every term where the
    /// clauses use it, repeats included.
    pub(crate) fn union_reads(&self) -> u64 {
        self.clauses
            .iter()
            .flatten()
            .flat_map(|alt| &alt.words)
            .flat_map(|&w| &self.words[w].fields)
            .map(|&(term, _)| self.doc_freqs[term])
            .sum()
    }

    /// How many distinct (field, term) posting lists scoring reads.
    pub(crate) fn term_count(&self) -> usize {
        self.terms.len() + self.typos.len()
    }

    /// The clauses as tantivy queries (for highlighting, and where tantivy ranks).
    pub(crate) fn queries(&self) -> Vec<Box<dyn Query>> {
        self.clauses
            .iter()
            .map(|alts| {
                // A clause scores its best alternative: a document that spells a word several
                // ways (`Vacuum Flask Thermos`) is not worth more than one that spells it once.
                one_or(
                    alts.iter().map(|alt| self.alt_query(alt)).collect(),
                    |alts| Box::new(DisjunctionMaxQuery::new(alts)),
                )
            })
            .collect()
    }

    fn alt_query(&self, alt: &Alt) -> Box<dyn Query> {
        let words = alt
            .words
            .iter()
            .map(|&w| {
                let word = &self.words[w];
                let mut any: Vec<Box<dyn Query>> = word
                    .fields
                    .iter()
                    .map(|&(term, boost)| -> Box<dyn Query> {
                        Box::new(BoostQuery::new(
                            Box::new(TermQuery::new(
                                self.terms[term].clone(),
                                IndexRecordOption::WithFreqs,
                            )),
                            boost * alt.weight,
                        ))
                    })
                    .collect();
                any.extend(
                    word.typo
                        .map(|t| Box::new(self.typos[t].clone()) as Box<dyn Query>),
                );
                one_or(any, |any| {
                    Box::new(BooleanQuery::new(
                        any.into_iter().map(|q| (Occur::Should, q)).collect(),
                    ))
                })
            })
            .collect();
        one_or(words, |all| {
            Box::new(BooleanQuery::new(
                all.into_iter().map(|q| (Occur::Must, q)).collect(),
            ))
        })
    }

    /// The text score of the hit whose term and typo scores are given: the sum of each clause's
    /// best alternative, `None` when no clause matches.
    fn score(
        &self,
        terms: &[Option<f32>],
        typos: &[Option<f32>],
        words: &mut [Option<f32>],
    ) -> f32 {
        for (value, word) in words.iter_mut().zip(&self.words) {
            let mut text = None;
            for &(term, boost) in &word.fields {
                if let Some(s) = terms[term] {
                    text = Some(text.unwrap_or(0.0) + boost * s);
                }
            }
            // Typo matching scores 1 whatever the alternative's weight; only the query's own
            // words (weight 1) have it.
            let typo = word.typo.and_then(|t| typos[t]);
            *value = match (text, typo) {
                (None, None) => None,
                (text, typo) => Some(text.unwrap_or(0.0) + typo.unwrap_or(0.0)),
            };
        }
        let mut total = 0.0;
        for alts in &self.clauses {
            let mut best: Option<f32> = None;
            for alt in alts {
                let mut sum = 0.0;
                let mut all = true;
                for &w in &alt.words {
                    match words[w] {
                        Some(s) => sum += s,
                        None => {
                            all = false;
                            break;
                        }
                    }
                }
                if all {
                    let s = sum * alt.weight;
                    best = Some(best.map_or(s, |b| b.max(s)));
                }
            }
            total += best.unwrap_or(0.0);
        }
        total
    }

    /// The best `k` hits of `matching` by text score × supplier boost, best first; every hit
    /// is also offered to `counter`. `None` when, projected from the first fifth of the index,
    /// scoring through tantivy would cost less (see [`ScoringCost`]): the caller then does.
    pub(crate) fn top(
        &self,
        searcher: &Searcher,
        matching: &dyn Query,
        k: usize,
        counter: &mut Counter,
        (cost, bound): (ScoringCost, u64),
    ) -> Result<Option<Vec<(f32, DocAddress)>>, SearchError> {
        let scoring = EnableScoring::enabled_from_searcher(searcher);
        let hits = matching.weight(EnableScoring::disabled_from_searcher(searcher))?;
        let bm25 = self
            .terms
            .iter()
            .map(|t| Bm25Weight::for_terms(searcher, std::slice::from_ref(t)))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let typos = self
            .typos
            .iter()
            .map(|q| q.weight(scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut top = TopK::new(k);
        let mut term_scores = vec![None; self.terms.len()];
        let mut typo_scores = vec![None; typos.len()];
        let mut word_scores = vec![None; self.words.len()];
        let all_docs: u64 = searcher
            .segment_readers()
            .iter()
            .map(|r| u64::from(r.max_doc()))
            .sum();
        let per_hit = self.term_count().max(1) as u64;
        let (mut visited_before, mut hits_seen, mut judging) = (0u64, 0u64, true);
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            counter.start(ord as u32, reader)?;
            let rank = rank_column(reader);
            let mut leaves = self
                .terms
                .iter()
                .zip(&bm25)
                .map(|(term, bm25)| Leaf::open(reader, term, bm25))
                .collect::<tantivy::Result<Vec<_>>>()?;
            let mut typo_scorers = typos
                .iter()
                .map(|w| w.scorer(reader, 1.0))
                .collect::<tantivy::Result<Vec<Box<dyn Scorer>>>>()?;
            // Where each term is, side by side: most terms are not at a given hit, and that is
            // then one comparison in a small array.
            let mut next: Vec<DocId> = leaves.iter().map(Leaf::doc).collect();
            let alive = reader.alive_bitset();
            let mut docs = hits.scorer(reader, 1.0)?;
            let mut doc = docs.doc();
            while doc != TERMINATED {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    hits_seen += 1;
                    if judging && hits_seen % JUDGE_EVERY == 0 {
                        let visited = visited_before + u64::from(doc) + 1;
                        if visited * 5 >= all_docs {
                            judging = false;
                        } else if cost.unions_cheaper(
                            hits_seen * all_docs / visited,
                            per_hit,
                            bound,
                        ) {
                            return Ok(None);
                        }
                    }
                    counter.hit(doc);
                    for ((leaf, at), score) in
                        leaves.iter_mut().zip(&mut next).zip(&mut term_scores)
                    {
                        if *at < doc {
                            *at = leaf.seek(doc);
                        }
                        *score = (*at == doc).then(|| leaf.score(doc));
                    }
                    for (scorer, score) in typo_scorers.iter_mut().zip(&mut typo_scores) {
                        if scorer.doc() < doc {
                            scorer.seek(doc);
                        }
                        *score = (scorer.doc() == doc).then(|| scorer.score());
                    }
                    let score = self.score(&term_scores, &typo_scores, &mut word_scores);
                    let rank = rank.as_ref().map(|c| c.get_val(doc)).unwrap_or(0);
                    top.offer(ord as u32, doc, score, rank);
                }
                doc = docs.advance();
            }
            visited_before += u64::from(reader.max_doc());
        }
        Ok(Some(top.into_sorted()))
    }
}

/// A term's postings in one segment, scored as tantivy's `TermScorer` scores them (BM25 of the
/// term frequency and the field length), without a virtual call per hit.
struct Leaf<'a> {
    postings: Option<SegmentPostings>,
    norms: FieldNormReader,
    bm25: &'a Bm25Weight,
}

impl<'a> Leaf<'a> {
    fn open(
        reader: &SegmentReader,
        term: &Term,
        bm25: &'a Bm25Weight,
    ) -> tantivy::Result<Leaf<'a>> {
        Ok(Leaf {
            postings: reader
                .inverted_index(term.field())?
                .read_postings(term, IndexRecordOption::WithFreqs)?,
            norms: reader.get_fieldnorms_reader(term.field())?,
            bm25,
        })
    }

    fn doc(&self) -> DocId {
        self.postings.as_ref().map_or(TERMINATED, |p| p.doc())
    }

    /// Moves to the first document at or after `doc`, which is not before the current one.
    fn seek(&mut self, doc: DocId) -> DocId {
        self.postings.as_mut().map_or(TERMINATED, |p| p.seek(doc))
    }

    /// The term's score at `doc`, where it is.
    fn score(&self, doc: DocId) -> f32 {
        let tf = self.postings.as_ref().map_or(0, |p| p.term_freq());
        self.bm25.score(self.norms.fieldnorm_id(doc), tf)
    }
}

/// The query itself when alone, else `wrap` of all (as the search's queries always nested).
fn one_or(
    mut queries: Vec<Box<dyn Query>>,
    wrap: impl FnOnce(Vec<Box<dyn Query>>) -> Box<dyn Query>,
) -> Box<dyn Query> {
    if queries.len() == 1 {
        queries
            .pop()
            .unwrap_or_else(|| Box::new(BooleanQuery::new(Vec::new())))
    } else {
        wrap(queries)
    }
}

struct Builder<'a> {
    searcher: &'a Searcher,
    f: &'a Fields,
    typos: Typos,
    tree: ScoreTree,
    terms_seen: HashMap<Term, usize>,
    words_seen: HashMap<(bool, String, String, bool), usize>,
}

impl Builder<'_> {
    /// One word of an alternative: the term in any text field (or in the pinyin field), scored by
    /// field weight. A Latin word of 5+ letters that no document contains also matches words
    /// within 1 edit (2 from 9 letters), when the word allows typos; a word that exists is
    /// taken as typed, so `tires` does not also find `tiles`.
    fn word(&mut self, w: &ClauseWord) -> usize {
        let pinyin = w.field == WordField::Pinyin;
        let key = (pinyin, w.term.clone(), w.raw.clone(), w.typos);
        if let Some(&i) = self.words_seen.get(&key) {
            return i;
        }
        let f = self.f;
        let mut word = Word::default();
        if pinyin {
            let term = Term::from_field_text(f.pinyin, &w.term);
            word.fields
                .extend(self.term(term).map(|t| (t, lexicon::PINYIN)));
        } else {
            for (field, boost) in FIELD_WEIGHTS {
                let term = Term::from_field_text(field(f), &w.term);
                word.fields.extend(self.term(term).map(|t| (t, boost)));
            }
            if let Some(fuzzy) = typo_query(self.searcher, w, self.typos) {
                self.tree.typos.push(fuzzy);
                word.typo = Some(self.tree.typos.len() - 1);
            }
        }
        self.tree.words.push(word);
        let i = self.tree.words.len() - 1;
        self.words_seen.insert(key, i);
        i
    }

    /// The term's index, the term stored once; none when no document holds it.
    fn term(&mut self, term: Term) -> Option<usize> {
        if let Some(&i) = self.terms_seen.get(&term) {
            return Some(i);
        }
        let doc_freq = self.searcher.doc_freq(&term).unwrap_or(0);
        if doc_freq == 0 {
            return None;
        }
        self.tree.terms.push(term.clone());
        self.tree.doc_freqs.push(doc_freq);
        let i = self.tree.terms.len() - 1;
        self.terms_seen.insert(term, i);
        Some(i)
    }
}
