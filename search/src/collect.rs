//! Collecting a search's results: the page (top k) and the counts (total and facets).
//!
//! The counts visit at most about [`count_bound`] hits (10,000 by default) and extrapolate past
//! that, marked as estimates, which is what large marketplaces show ("about 12,000 products").
//! A search by relevance with words scores every hit ([`crate::scoring`]) and counts them in the
//! same pass; the other orders count in a pass of their own and take their page from a fast
//! field. Ranking by a tantivy query ([`top`], for buy leads) skips every hit whose text score,
//! times the largest possible supplier boost, cannot reach the k-th best boosted score.

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};

use std::sync::Arc;
use tantivy::collector::{Collector, FacetCollector, SegmentCollector, TopDocs};
use tantivy::query::{EnableScoring, Query};

use tantivy::columnar::ColumnValues;
use tantivy::{DocAddress, DocId, Order, Searcher, SegmentReader, TERMINATED};

use crate::SearchError;
use crate::document::{RANK_TIME_BITS, rank_boost};
use crate::query::{FacetCount, Sort, ranking_boost};

/// Hits visited for the total and the facet counts by default; past this they are estimated.
pub const COUNT_BOUND: u64 = 10_000;

static BOUND: AtomicU64 = AtomicU64::new(COUNT_BOUND);

/// Sets the number of hits counted exactly, for this process (`TRADEFAIR_SEARCH_COUNT_BOUND`).
pub fn set_count_bound(bound: u64) {
    BOUND.store(bound.max(1), AtomicOrdering::Relaxed);
}

/// The number of hits counted exactly.
pub fn count_bound() -> u64 {
    BOUND.load(AtomicOrdering::Relaxed)
}

/// The total and facet counts of a search.
#[derive(Debug, Clone)]
pub(crate) struct Counts {
    pub total: usize,
    /// True when the total and the facet counts were extrapolated from a sample of the hits.
    pub estimated: bool,
    pub facets: Vec<Vec<FacetCount>>,
}

/// Counts the hits and the facet values directly under each `(field, root)`. Each segment is
/// visited up to its share of `bound` hits, in index order; a segment cut short contributes its
/// counts scaled by how much of it was visited.
pub(crate) fn count(
    searcher: &Searcher,
    query: &dyn Query,
    facets: &[(&str, String)],
    bound: u64,
) -> Result<Counts, SearchError> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut counter = Counter::new(searcher, facets, bound);
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        counter.start(ord as u32, reader)?;
        let alive = reader.alive_bitset();
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut doc: DocId = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) && !counter.hit(doc) {
                break;
            }
            doc = scorer.advance();
        }
        counter.finish_segment();
    }
    Ok(counter.counts())
}

/// The total and facet counts of hits as they are visited, segment by segment, in index order
/// (by [`count`], or by a pass that visits every hit anyway to score it).
pub(crate) struct Counter<'a> {
    facets: &'a [(&'a str, String)],
    collectors: Vec<FacetCollector>,
    bound: u64,
    all_docs: u64,
    total: f64,
    estimated: bool,
    sums: Vec<BTreeMap<String, f64>>,
    segment: Option<SegmentCount>,
}

/// One segment's counting: its hits so far, its budget, how far it was visited.
struct SegmentCount {
    children: Vec<<FacetCollector as Collector>::Child>,
    max_doc: u64,
    budget: u64,
    hits: u64,
    visited: u64,
}

impl<'a> Counter<'a> {
    pub(crate) fn new(
        searcher: &Searcher,
        facets: &'a [(&'a str, String)],
        bound: u64,
    ) -> Counter<'a> {
        let collectors = facets
            .iter()
            .map(|(name, root)| {
                let mut c = FacetCollector::for_field(*name);
                c.add_facet(root.as_str());
                c
            })
            .collect();
        Counter {
            facets,
            collectors,
            bound,
            all_docs: searcher
                .segment_readers()
                .iter()
                .map(|s| u64::from(s.max_doc()))
                .sum(),
            total: 0.0,
            estimated: false,
            sums: vec![BTreeMap::new(); facets.len()],
            segment: None,
        }
    }

    /// Begins counting a segment (after finishing the previous one).
    pub(crate) fn start(&mut self, ord: u32, reader: &SegmentReader) -> Result<(), SearchError> {
        self.finish_segment();
        let max_doc = u64::from(reader.max_doc());
        self.segment = Some(SegmentCount {
            children: self
                .collectors
                .iter()
                .map(|c| c.for_segment(ord, reader))
                .collect::<tantivy::Result<Vec<_>>>()?,
            max_doc,
            // The segment's share of the bound, rounded up so that a small segment still counts.
            budget: (self.bound * max_doc).div_ceil(self.all_docs.max(1)).max(1),
            hits: 0,
            visited: max_doc,
        });
        Ok(())
    }

    /// Counts a live hit; false once the segment's budget is spent (this hit and the rest of the
    /// segment are then extrapolated).
    pub(crate) fn hit(&mut self, doc: DocId) -> bool {
        let Some(seg) = self.segment.as_mut() else {
            return false;
        };
        if seg.hits == seg.budget {
            if seg.visited == seg.max_doc {
                // One more hit exists: the rest of the segment is extrapolated.
                seg.visited = u64::from(doc);
                self.estimated = true;
            }
            return false;
        }
        seg.hits += 1;
        for child in &mut seg.children {
            child.collect(doc, 0.0);
        }
        true
    }

    /// Adds the current segment's counts, scaled by how much of it was visited.
    pub(crate) fn finish_segment(&mut self) {
        let Some(seg) = self.segment.take() else {
            return;
        };
        let scale = seg.max_doc as f64 / seg.visited.max(1) as f64;
        self.total += seg.hits as f64 * scale;
        for ((child, sum), (_, root)) in seg
            .children
            .into_iter()
            .zip(&mut self.sums)
            .zip(self.facets)
        {
            for (facet, n) in child.harvest().get(root) {
                let value = facet
                    .to_path()
                    .last()
                    .map(|s| s.to_string())
                    .unwrap_or_default();
                *sum.entry(value).or_default() += n as f64 * scale;
            }
        }
    }

    pub(crate) fn counts(mut self) -> Counts {
        self.finish_segment();
        let facets = self
            .sums
            .into_iter()
            .map(|sum| {
                let mut counts: Vec<FacetCount> = sum
                    .into_iter()
                    .map(|(value, n)| FacetCount {
                        value,
                        count: n.round() as u64,
                    })
                    .collect();
                counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
                counts
            })
            .collect();
        Counts {
            total: self.total.round() as usize,
            estimated: self.estimated,
            facets,
        }
    }
}

/// The page of hits `offset..offset + limit` in `sort` order, with their relevance scores (0 for
/// the sorts by a field).
///
/// `matching` decides the hits; `ranking` matches the same hits and scores them (the BM25). The
/// sorts that score nothing run `matching`, which is cheaper.
pub(crate) fn top(
    searcher: &Searcher,
    (matching, ranking): (&dyn Query, &dyn Query),
    (sort, text): (Sort, bool),
    limit: usize,
    offset: usize,
) -> Result<Vec<(f32, DocAddress)>, SearchError> {
    let query = matching;
    let by_field = |field: &'static str, order: Order| {
        let collector = TopDocs::with_limit(limit.max(1))
            .and_offset(offset)
            .order_by_fast_field::<i64>(field, order);
        searcher
            .search(query, &collector)
            .map(|hits| hits.into_iter().map(|(_, a)| (0.0, a)).collect())
    };
    let k = limit.max(1) + offset;
    Ok(match sort {
        // Without text every hit scores the same: the order is the rank alone, and its score
        // the boost.
        Sort::Relevance if !text => {
            let collector = TopDocs::with_limit(limit.max(1))
                .and_offset(offset)
                .order_by_fast_field::<u64>("rank", Order::Desc);
            searcher
                .search(query, &collector)?
                .into_iter()
                .map(|(rank, a)| (rank_boost(rank.unwrap_or(0)), a))
                .collect()
        }
        Sort::Relevance => top_by_relevance(searcher, ranking, k)?
            .into_iter()
            .skip(offset)
            .collect(),
        Sort::Newest => by_field("published_at", Order::Desc)?,
        Sort::PriceAsc => by_field("price_low_asc", Order::Asc)?,
        Sort::PriceDesc => by_field("price_low_desc", Order::Desc)?,
    })
}

/// Three ASCII letters of a currency code as one number that sorts as the code does.
fn packed_code(code: &str) -> i64 {
    code.bytes()
        .take(3)
        .fold(0i64, |acc, b| (acc << 8) | i64::from(b))
}

/// Price order: the items priced in `currency` first (when the search names one; `""` names
/// none), by their lowest unit price; then the items priced in other currencies, grouped by
/// currency code (alphabetically), each group by price; price on request last, in both
/// directions. Amounts in different currencies are never compared with each other.
pub(crate) fn top_by_price_in(
    searcher: &Searcher,
    query: &dyn Query,
    currency: &str,
    descending: bool,
    limit: usize,
    offset: usize,
) -> Result<Vec<(f32, DocAddress)>, SearchError> {
    let wanted = packed_code(currency);
    let collector = TopDocs::with_limit(limit.max(1))
        .and_offset(offset)
        .tweak_score(move |segment: &SegmentReader| {
            let fast = segment.fast_fields();
            let prices = fast
                .i64("price_low_asc")
                .ok()
                .map(|c| c.first_or_default_col(i64::MAX));
            let currencies = fast.str("currency").ok().flatten();
            // The segment's currency codes by term ordinal (a handful).
            let codes: Vec<i64> = currencies.as_ref().map_or_else(Vec::new, |column| {
                let mut text = String::new();
                (0..column.num_terms() as u64)
                    .map(|ord| match column.ord_to_str(ord, &mut text) {
                        Ok(true) => packed_code(&text),
                        _ => 0,
                    })
                    .collect()
            });
            // Larger keys come first: (group, currency order, price order).
            move |doc: DocId, _score: tantivy::Score| -> (u8, i64, i64) {
                let code = currencies
                    .as_ref()
                    .and_then(|c| c.term_ords(doc).next())
                    .and_then(|ord| codes.get(ord as usize).copied());
                let price = prices.as_ref().map_or(i64::MAX, |p| p.get_val(doc));
                let by_price = if descending {
                    price
                } else {
                    price.saturating_neg()
                };
                match code {
                    _ if price == i64::MAX => (0, 0, 0),
                    Some(c) if c == wanted => (2, 0, by_price),
                    Some(c) => (1, -c, by_price),
                    None => (0, 0, 0),
                }
            }
        });
    Ok(searcher
        .search(query, &collector)?
        .into_iter()
        .map(|(_, a)| (0.0, a))
        .collect())
}

/// A hit in relevance order: a higher boosted score first, then the newer, then the lower
/// address (the same order in every replica's index, up to the address).
#[derive(Debug, Clone, Copy)]
struct Ranked {
    score: f32,
    /// Milliseconds.
    published: u64,
    address: DocAddress,
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then(self.published.cmp(&other.published))
            .then(other.address.cmp(&self.address))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

/// The best k hits by BM25 × the supplier boost ([`ranking_boost`], as stored in `rank`).
pub(crate) struct TopK {
    k: usize,
    max_boost: f32,
    /// Worst on top.
    kept: BinaryHeap<Reverse<Ranked>>,
}

impl TopK {
    pub(crate) fn new(k: usize) -> TopK {
        TopK {
            k,
            max_boost: ranking_boost(1, 100, 1000),
            kept: BinaryHeap::with_capacity(k + 1),
        }
    }

    /// The boost is at most `max_boost`, so once k hits are kept, a hit whose text score is
    /// below the k-th boosted score / `max_boost` cannot enter. Slightly below that bound, so
    /// rounding never drops a hit that ties.
    fn threshold(&self) -> f32 {
        match self.kept.peek() {
            Some(Reverse(worst)) if self.kept.len() >= self.k && worst.score > 0.0 => {
                worst.score / self.max_boost * (1.0 - 1e-5)
            }
            _ => f32::MIN,
        }
    }

    pub(crate) fn offer(&mut self, segment: u32, doc: DocId, score: f32, rank: u64) {
        let hit = Ranked {
            score: score * rank_boost(rank),
            published: rank & ((1 << RANK_TIME_BITS) - 1),
            address: DocAddress::new(segment, doc),
        };
        if self.kept.len() < self.k {
            self.kept.push(Reverse(hit));
        } else if self.kept.peek().is_some_and(|Reverse(worst)| hit > *worst) {
            self.kept.pop();
            self.kept.push(Reverse(hit));
        }
    }

    pub(crate) fn into_sorted(self) -> Vec<(f32, DocAddress)> {
        let mut hits: Vec<Ranked> = self.kept.into_iter().map(|Reverse(h)| h).collect();
        hits.sort_by(|a, b| b.cmp(a));
        hits.into_iter().map(|h| (h.score, h.address)).collect()
    }
}

pub(crate) fn rank_column(reader: &SegmentReader) -> Option<Arc<dyn ColumnValues<u64>>> {
    reader
        .fast_fields()
        .u64("rank")
        .ok()
        .map(|c| c.first_or_default_col(0))
}

/// The best `k` hits of a query whose score is the BM25. The pruning threshold is handed to
/// tantivy, which skips whole blocks where block-max WAND applies and otherwise spares the
/// boost lookup of every hit below it.
fn top_by_relevance(
    searcher: &Searcher,
    query: &dyn Query,
    k: usize,
) -> Result<Vec<(f32, DocAddress)>, SearchError> {
    let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let mut top = TopK::new(k);
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let rank = rank_column(reader);
        // The largest boost in this segment bounds its hits more tightly than the largest
        // possible one.
        top.max_boost = rank
            .as_ref()
            .map(|c| rank_boost(c.max_value()))
            .unwrap_or_else(|| ranking_boost(1, 100, 1000));
        let alive = reader.alive_bitset();
        weight.for_each_pruning(top.threshold(), reader, &mut |doc, score| {
            if !alive.is_some_and(|a| a.is_deleted(doc)) {
                let rank = rank.as_ref().map(|c| c.get_val(doc)).unwrap_or(0);
                top.offer(ord as u32, doc, score, rank);
            }
            top.threshold()
        })?;
    }
    Ok(top.into_sorted())
}

#[cfg(test)]
mod tests {
    use tantivy::collector::{Count, FacetCollector, TopDocs};
    use tantivy::query::{BooleanQuery, Occur, Query};
    use tantivy::{Index, IndexWriter, TantivyDocument, Term};

    use super::{Sort, count, top};
    use crate::query::{ranking_boost, term_query};
    use crate::schema::{Fields, build_schema, facet_path};

    const WORDS: [&str; 6] = ["steel", "cup", "bolt", "led", "panel", "light"];

    /// A small xorshift generator: the test's data is the same on every run.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    /// 3,000 documents in several segments, some deleted, with random words, facets and boosts.
    fn index() -> (Index, Fields) {
        let (schema, f) = build_schema();
        let index = Index::create_in_ram(schema);
        crate::index::register_for_tests(&index);
        let mut writer: IndexWriter = index.writer(15_000_000).unwrap();
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        for i in 0..3_000u64 {
            let mut doc = TantivyDocument::default();
            doc.add_text(f.id, i.to_string());
            doc.add_text(f.kind, "product");
            let words: Vec<&str> = (0..1 + rng.next() % 6)
                .map(|_| WORDS[(rng.next() % 6) as usize])
                .collect();
            let description = WORDS[(rng.next() % 6) as usize];
            doc.add_text(f.title_en, words.join(" "));
            doc.add_text(f.description, description);
            doc.add_text(f.body, words.join(" "));
            doc.add_text(f.body, description);
            doc.add_facet(
                f.region,
                facet_path(&[["gd", "zj", "js"][(i % 3) as usize]]),
            );
            let (v, r, c) = (rng.next() % 2, rng.next() % 101, rng.next() % 1001);
            doc.add_u64(f.verified_boost, v);
            doc.add_u64(f.response_boost, r);
            doc.add_u64(f.credit_boost, c);
            let published = (rng.next() % 1_000_000_000) as i64;
            doc.add_i64(f.published_at, published);
            doc.add_u64(f.rank, crate::document::rank(v, r, c, published));
            writer.add_document(doc).unwrap();
            if i % 700 == 699 {
                writer.commit().unwrap();
            }
        }
        for i in (0..3_000u64).step_by(11) {
            writer.delete_term(Term::from_field_text(f.id, &i.to_string()));
        }
        writer.commit().unwrap();
        (index, f)
    }

    fn queries(f: &Fields) -> Vec<BooleanQuery> {
        let text = |w: &str| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(vec![
                (Occur::Should, term_query(f.title_en, w)),
                (Occur::Should, term_query(f.description, w)),
            ]))
        };
        let mut queries = Vec::new();
        for w in WORDS {
            queries.push(BooleanQuery::new(vec![(Occur::Must, text(w))]));
            queries.push(BooleanQuery::new(vec![
                (Occur::Must, term_query(f.kind, "product")),
                (Occur::Must, text(w)),
                (Occur::Must, text("cup")),
            ]));
        }
        queries
    }

    #[test]
    fn pruned_top_k_equals_scoring_every_hit() {
        let (index, f) = index();
        let searcher = index.reader().unwrap().searcher();
        let fast = |name: &str, seg: u32| {
            searcher
                .segment_reader(seg)
                .fast_fields()
                .u64(name)
                .unwrap()
                .first_or_default_col(0)
        };
        for query in queries(&f) {
            let every: Vec<(f32, tantivy::DocAddress)> = searcher
                .search(&query, &TopDocs::with_limit(10_000).order_by_score())
                .unwrap();
            let mut boosted: Vec<f32> = every
                .iter()
                .map(|(score, a)| {
                    let get = |name| fast(name, a.segment_ord).get_val(a.doc_id);
                    score
                        * ranking_boost(
                            get("verified_boost"),
                            get("response_boost"),
                            get("credit_boost"),
                        )
                })
                .collect();
            boosted.sort_by(|a, b| b.total_cmp(a));
            for k in [1, 7, 20, 120] {
                let pruned =
                    top(&searcher, (&query, &query), (Sort::Relevance, true), k, 0).unwrap();
                assert_eq!(pruned.len(), k.min(boosted.len()));
                for (i, (score, _)) in pruned.iter().enumerate() {
                    assert!(
                        (score - boosted[i]).abs() <= 1e-4 * boosted[i],
                        "hit {i} of top {k}: {score} against {}",
                        boosted[i]
                    );
                }
            }
            // A page further down is the same slice of the whole order.
            let whole = top(&searcher, (&query, &query), (Sort::Relevance, true), 60, 0).unwrap();
            let page = top(&searcher, (&query, &query), (Sort::Relevance, true), 20, 40).unwrap();
            assert_eq!(page, whole[40..].to_vec());
        }
    }

    /// Matching on `body` and scoring on the five fields finds and ranks what matching and
    /// scoring on the five fields does (filters aside, which no longer score); and the scores
    /// computed hit by hit ([`crate::scoring::ScoreTree::top`]) are the tantivy query's, with
    /// synonyms (a clause's best alternative, an alternative of two words) and without.
    #[test]
    fn matching_and_scoring_parts_rank_as_the_whole_query() {
        let (index, f) = index();
        let searcher = index.reader().unwrap().searcher();
        let typos = crate::query::Typos {
            raw: f.raw,
            enabled: false,
        };
        let filters = [term_query(f.kind, "product")];
        let groups = [
            vec!["cup".to_owned(), "steel bolt".to_owned()],
            vec!["light".to_owned(), "led".to_owned(), "lamp".to_owned()],
        ];
        for synonyms in [
            crate::lexicon::Synonyms::only(&[]),
            crate::lexicon::Synonyms::only(&groups),
        ] {
            for text in ["steel", "steel cup", "led panel light", "bolt cup steel"] {
                for all in [true, false] {
                    let words = crate::query::query_words(text);
                    let parts = crate::query::search_query(
                        &searcher,
                        &f,
                        &words,
                        (&synonyms, typos),
                        all,
                        &filters,
                    );
                    let whole = parts.whole();
                    // The cost estimate counts what the unions read, term by term.
                    let mut read = 0;
                    for q in parts.tree.queries() {
                        q.query_terms(&mut |t, _| read += searcher.doc_freq(t).unwrap());
                    }
                    assert_eq!(parts.tree.union_reads(), read, "{text}");
                    for k in [1, 20, 200] {
                        // The whole query against the five-field clauses deciding the match too.
                        let a = top(
                            &searcher,
                            (&parts.matching, &whole),
                            (Sort::Relevance, true),
                            k,
                            0,
                        )
                        .unwrap();
                        let old = crate::query::combine(
                            crate::query::term_clauses(
                                &searcher,
                                &f,
                                &words,
                                &synonyms,
                                typos,
                                crate::query::Target::Fields,
                            ),
                            all,
                            &filters,
                        );
                        let b =
                            top(&searcher, (&old, &old), (Sort::Relevance, true), k, 0).unwrap();
                        let mut counter = super::Counter::new(&searcher, &[], 1 << 40);
                        let never = crate::query::ScoringCost {
                            union_reads: u64::MAX / 8,
                            matching_reads: 0,
                            typos: false,
                        };
                        let c = parts
                            .tree
                            .top(
                                &searcher,
                                &parts.matching,
                                k,
                                &mut counter,
                                (never, 1 << 40),
                            )
                            .unwrap()
                            .unwrap();
                        let counted = count(&searcher, &parts.matching, &[], 1 << 40).unwrap();
                        assert_eq!(counter.counts().total, counted.total, "{text} all={all}");
                        assert_eq!(a.len(), b.len(), "{text} all={all} k={k}");
                        assert_eq!(c.len(), b.len(), "{text} all={all} k={k}");
                        for ((x, y), z) in a.iter().zip(&b).zip(&c) {
                            assert!((x.0 - y.0).abs() <= 1e-4 * y.0, "{text}: {x:?} {y:?}");
                            assert!((z.0 - y.0).abs() <= 1e-4 * y.0, "{text}: {z:?} {y:?}");
                        }
                    }
                }
            }
        }
    }

    /// Scoring hit by hit gives up early when its projected cost passes the budget (the unions
    /// then score), and not when the budget is larger than that projection.
    #[test]
    fn hit_by_hit_scoring_gives_up_beyond_its_budget() {
        let (index, f) = index();
        let searcher = index.reader().unwrap().searcher();
        let typos = crate::query::Typos {
            raw: f.raw,
            enabled: false,
        };
        let words = crate::query::query_words("steel");
        let synonyms = crate::lexicon::Synonyms::only(&[]);
        let parts =
            crate::query::search_query(&searcher, &f, &words, (&synonyms, typos), true, &[]);
        let run = |union_reads| {
            let mut counter = super::Counter::new(&searcher, &[], 1 << 40);
            let cost = crate::query::ScoringCost {
                union_reads,
                matching_reads: 0,
                typos: false,
            };
            parts
                .tree
                .top(
                    &searcher,
                    &parts.matching,
                    20,
                    &mut counter,
                    (cost, 1 << 40),
                )
                .unwrap()
        };
        assert!(run(0).is_none(), "over budget");
        let hits = count(&searcher, &parts.matching, &[], 1 << 40)
            .unwrap()
            .total as u64;
        assert!(hits > 256, "enough hits to judge: {hits}");
        // Three times the real cost: the projection from the first fifth stays below.
        assert!(run(3 * hits * parts.tree.term_count() as u64).is_some());
    }

    #[test]
    fn counts_are_exact_within_the_bound_and_estimated_past_it() {
        let (index, f) = index();
        let searcher = index.reader().unwrap().searcher();
        let facets = [("region", "/".to_owned())];
        for query in queries(&f) {
            let exact = searcher.search(&query, &Count).unwrap();
            let mut fc = FacetCollector::for_field("region");
            fc.add_facet("/");
            let regions = searcher.search(&query, &fc).unwrap();
            let counts = count(&searcher, &query, &facets, 100_000).unwrap();
            assert!(!counts.estimated);
            assert_eq!(counts.total, exact);
            for c in &counts.facets[0] {
                let want = regions
                    .get("/")
                    .find(|(f, _)| f.to_path().last() == Some(&c.value.as_str()))
                    .map(|(_, n)| n);
                assert_eq!(Some(c.count), want, "{}", c.value);
            }
            if exact > 400 {
                let sampled = count(&searcher, &query, &facets, 200).unwrap();
                assert!(sampled.estimated);
                let error = (sampled.total as f64 - exact as f64).abs() / exact as f64;
                assert!(error < 0.25, "estimated {} for {exact}", sampled.total);
                let sum: u64 = sampled.facets[0].iter().map(|c| c.count).sum();
                assert!((sum as f64 - sampled.total as f64).abs() <= 3.0);
            }
        }
    }
}
