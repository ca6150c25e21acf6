//! The slides follow the original 2009 deck: every page says, in the
//! italic line under its title, which of the deck's slides it covers, and
//! the pages of Part 7 are named after the deck's steps. This checks both
//! against one table, so that they cannot drift:
//!
//! - each page's header line claims exactly the slides of [`PAGES`], or
//!   says `*Beyond the course...` where the table has none;
//! - every claimed slide lies within its part ([`PARTS`]);
//! - a page or `SUMMARY.md` entry that names a step, or a page that covers
//!   a step's slides, uses the deck's title for it ([`TITLES`]);
//! - each part's lesson table gives a lesson a slide that a page naming
//!   that lesson in its header covers.
//!
//! The numbers and titles are the deck's (from the course's PDF), not the
//! workbook's.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::PathBuf;

/// The deck's last slide ("Thanks!").
const LAST_SLIDE: u32 = 198;

/// Where each part starts in the deck, with that slide's title. Part 0 is
/// the deck's opening, which the introduction covers.
const PARTS: [(u32, u32, &str); 10] = [
    (0, 1, "A Curious Course on Coroutines and Concurrency"),
    (1, 15, "Part I"),
    (2, 34, "Part 2"),
    (3, 53, "Part 3"),
    (4, 75, "Part 4"),
    (5, 92, "Part 5"),
    (6, 99, "Part 6"),
    (7, 110, "Part 7"),
    (8, 169, "Part 8"),
    (9, 189, "Part 9"),
];

/// The deck's titles that name the steps of Part 7's operating system,
/// and the one step-like title with no number ("Waiting for Tasks" is the
/// rest of step 5). pyos8's slides ("An Implementation") have no step.
const TITLES: &[(u32, &str)] = &[
    (113, "Step 1: Define Tasks"),
    (115, "Step 2: The Scheduler"),
    (116, "Step 2: The Scheduler"),
    (117, "Step 2: The Scheduler"),
    (118, "Step 2: The Scheduler"),
    (119, "Step 2: The Scheduler"),
    (120, "Step 2: The Scheduler"),
    (124, "Step 3: Task Exit"),
    (125, "Step 3: Task Exit"),
    (126, "Step 3: Task Exit"),
    (130, "Step 4: System Calls"),
    (131, "Step 4: System Calls"),
    (132, "Step 4: System Calls"),
    (133, "Step 4: System Calls"),
    (138, "Step 5: Task Management"),
    (143, "Waiting for Tasks"),
    (159, "Step 6 : I/O Waiting"),
    (160, "Step 6 : I/O Waiting"),
    (161, "Step 6 : I/O Waiting"),
    (162, "Step 6 : I/O Waiting"),
    (176, "An Implementation"),
];

/// Every page of the book (under `slides/src/`): the slides its header
/// claims, as written there ("" for a page beyond the course), and the
/// slide whose deck title its title follows, if any.
const PAGES: &[(&str, &str, Option<u32>)] = &[
    ("introduction.md", "1-7", None),
    ("introduction/vocabulary.md", "8-10", None),
    ("introduction/differences.md", "11-14", None),
    ("part1.md", "15-33", None),
    ("part1/generators.md", "16-17", None),
    ("part1/generator-functions.md", "18-19", None),
    ("part1/follow.md", "20", None),
    ("part1/follow-loop.md", "20", None),
    ("part1/pipelines.md", "21", None),
    ("part1/pipeline-example.md", "22", None),
    ("part1/coroutines.md", "23-25", None),
    ("part1/priming.md", "26", None),
    ("part1/decorator.md", "27", None),
    ("part1/closing.md", "28", None),
    ("part1/catching-close.md", "29", None),
    ("part1/throw.md", "30", None),
    ("part1/throw-catch.md", "30", None),
    ("part1/bogus.md", "31-32", None),
    ("part1/straight.md", "32-33", None),
    ("part2.md", "34-52", None),
    ("part2/sources.md", "35-36", None),
    ("part2/sinks.md", "37", None),
    ("part2/cofollow.md", "38-39", None),
    ("part2/filters.md", "40", None),
    ("part2/copipe.md", "41", None),
    ("part2/broadcast.md", "42-44", None),
    ("part2/cobroadcast.md", "45", None),
    ("part2/fan-in.md", "46", None),
    ("part2/shared.md", "46-47", None),
    ("part2/benchmark.md", "48-49", None),
    ("part2/benchmark-coroutine.md", "50", None),
    ("part2/benchmark-timing.md", "51", None),
    ("part2/benchmark-figures.md", "51", None),
    ("part2/benchmark-why.md", "52", None),
    ("part3.md", "53-74", None),
    ("part3/data.md", "54-56", None),
    ("part3/sax.md", "57", None),
    ("part3/sax-example.md", "58", None),
    ("part3/sax-pieces.md", "58", None),
    ("part3/cosax.md", "59-60", None),
    ("part3/events.md", "61", None),
    ("part3/cosax-run.md", "62", None),
    ("part3/ownership.md", "", None),
    ("part3/buses.md", "63-65", None),
    ("part3/filter.md", "66", None),
    ("part3/bus-locations.md", "67", None),
    ("part3/buses-run.md", "68", None),
    ("part3/coexpat.md", "69-70", None),
    ("part3/coexpat-run.md", "70", None),
    ("part3/cxmlparse.md", "72", None),
    ("part3/cxmlparse-loop.md", "72", None),
    ("part3/cxmlparse-run.md", "72", None),
    ("part3/iterbus.md", "74", None),
    ("part3/contest.md", "71, 73", None),
    ("part3/contest-run.md", "73", None),
    ("part3/contest-says.md", "73", None),
    ("part3/contest-time.md", "73", None),
    ("part3/bad-input.md", "", None),
    ("part3/bad-stage.md", "", None),
    ("part4.md", "75-91", None),
    ("part4/theme.md", "76-78", None),
    ("part4/threaded.md", "79-81", None),
    ("part4/threaded-close.md", "82-83", None),
    ("part4/send.md", "", None),
    ("part4/cothread.md", "84-85", None),
    ("part4/cothread-errors.md", "", None),
    ("part4/coprocess.md", "86", None),
    ("part4/recvfrom.md", "86", None),
    ("part4/busproc.md", "87", None),
    ("part4/coprocess-run.md", "87", None),
    ("part4/child.md", "", None),
    ("part4/costs.md", "88-89", None),
    ("part4/costs-says.md", "89", None),
    ("part4/cocrash.md", "90", None),
    ("part4/cocrash-error.md", "90", None),
    ("part4/cycles.md", "91", None),
    ("part4/cycle-caught.md", "91", None),
    ("part4/safe.md", "", None),
    ("part4/to-printer.md", "", None),
    ("part4/bad-input.md", "", None),
    ("part5.md", "92-98", None),
    ("part6.md", "99-109", None),
    ("part7.md", "110-168", None),
    ("part7/challenge.md", "111-112", None),
    ("part7/tasks.md", "113", Some(113)),
    ("part7/task-example.md", "114", None),
    ("part7/scheduler.md", "115-120", Some(115)),
    ("part7/multitasking.md", "121-122", None),
    ("part7/taskcrash.md", "123", None),
    ("part7/exit.md", "124-126", Some(124)),
    ("part7/second.md", "127-128", None),
    ("part7/trap.md", "129", None),
    ("part7/syscalls.md", "130, 134", Some(130)),
    ("part7/syscall-loop.md", "131-133", Some(131)),
    ("part7/gettid.md", "135-136", None),
    ("part7/typed.md", "137", None),
    ("part7/management.md", "138-139", Some(138)),
    ("part7/kill.md", "140", None),
    ("part7/management-example.md", "141-142", None),
    ("part7/waiting.md", "143-145", Some(143)),
    ("part7/task-waiting.md", "146-148", None),
    ("part7/waiting-example.md", "149-150", None),
    ("part7/waiting-design.md", "151", None),
    ("part7/echobad.md", "152-154", None),
    ("part7/echobad-client.md", "155", None),
    ("part7/echobad-run.md", "156", None),
    ("part7/blocking.md", "157-158", None),
    ("part7/io.md", "159-162", Some(159)),
    ("part7/select.md", "", None),
    ("part7/polling.md", "163-164", None),
    ("part7/readwait.md", "165", None),
    ("part7/echogood.md", "166", None),
    ("part7/echogood-run.md", "167", None),
    ("part7/congratulations.md", "168", None),
    ("part7/beyond.md", "", None),
    ("part7/sockets.md", "", None),
    ("part7/backlog.md", "", None),
    ("part7/room.md", "", None),
    ("part7/descriptors.md", "", None),
    ("part7/performance.md", "", None),
    ("part8.md", "169-188", None),
    ("part8/limitation.md", "170-171", None),
    ("part8/solution.md", "172", None),
    ("part8/trampoline.md", "173", None),
    ("part8/trampoline-run.md", "174-175", None),
    ("part8/pyos8.md", "176-177", None),
    ("part8/pyos8-run.md", "178-181", None),
    ("part8/pyos8-call.md", "", None),
    ("part8/pyos8-example.md", "", None),
    ("part8/echoserver.md", "182", None),
    ("part8/echoserver-handler.md", "183", None),
    ("part8/comments.md", "184", None),
    ("part8/sockwrap.md", "185", None),
    ("part8/echoserver2.md", "186", None),
    ("part8/twist.md", "187", None),
    ("part8/twisted.md", "188", None),
    ("part8/reactor.md", "", None),
    ("part8/callbacks.md", "187", None),
    ("part8/stackful.md", "", None),
    ("part8/stackful-server.md", "", None),
    ("part8/stackful-gone.md", "", None),
    ("part8/stackful-scheduler.md", "", None),
    ("part8/stackful-tokio.md", "", None),
    ("part8/stackful-price.md", "", None),
    ("part8/performance.md", "", None),
    ("part8/performance-stacks.md", "", None),
    ("part8/performance-select.md", "", None),
    ("part8/c10k.md", "", None),
    ("part8/c10k-memory.md", "", None),
    ("part8/stacks.md", "", None),
    ("part8/stacks-many.md", "", None),
    ("part9.md", "189-198", None),
    ("part9/final-words.md", "190", None),
    ("part9/respect.md", "191", None),
    ("part9/blaster.md", "192", None),
    ("part9/blaster-departs.md", "192", None),
    ("part9/runblaster.md", "192", None),
    ("part9/servers.md", "192", None),
    ("part9/backlog.md", "192", None),
    ("part9/echotokio.md", "192", None),
    ("part9/contest.md", "192", None),
    ("part9/contest-servers.md", "192", None),
    ("part9/contest-table.md", "192", None),
    ("part9/contest-chart.md", "192", None),
    ("part9/numbers.md", "192", None),
    ("part9/numbers-stackful.md", "192", None),
    ("part9/numbers-select.md", "192", None),
    ("part9/numbers-threads.md", "193", None),
    ("part9/numbers-memory.md", "193", None),
    ("part9/numbers-python.md", "192", None),
    ("part9/care.md", "194-196", None),
    ("part9/links.md", "197-198", None),
];

fn slides_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../slides/src")
}

/// "63-68" or "71, 73" as slide numbers, in order, each at most once.
fn parse_slides(spec: &str) -> Result<Vec<u32>, String> {
    let mut slides = Vec::new();
    for item in spec.split(", ") {
        let (first, last) = match item.split_once('-') {
            Some((a, b)) => (a, b),
            None => (item, item),
        };
        let number = |s: &str| {
            s.parse::<u32>().map_err(|_| format!("not a slide: {s:?}"))
        };
        let (first, last) = (number(first)?, number(last)?);
        if first > last || slides.last().is_some_and(|&l| l >= first) {
            return Err(format!("slides out of order in {spec:?}"));
        }
        slides.extend(first..=last);
    }
    Ok(slides)
}

/// The slides of a spec: none for "", nor for a spec that does not parse
/// (that is reported where the spec is read).
fn parse(spec: &str) -> Vec<u32> {
    if spec.is_empty() {
        return Vec::new();
    }
    parse_slides(spec).unwrap_or_default()
}

/// A page's title (its first line) and header (the italic paragraph
/// after it, joined into one line).
fn title_and_header(page: &str) -> (String, String) {
    let text = fs::read_to_string(slides_dir().join(page))
        .unwrap_or_else(|e| panic!("{page}: {e}"));
    let mut lines = text.lines();
    let title = lines.next().unwrap_or("");
    let title = title.strip_prefix("# ").unwrap_or_else(|| {
        panic!("{page}: the first line is not a title: {title:?}")
    });
    let mut header = String::new();
    for line in lines.skip_while(|l| l.is_empty()) {
        header = if header.is_empty() {
            line.to_string()
        } else {
            format!("{header} {line}")
        };
        if line.ends_with('*') {
            break;
        }
    }
    (title.to_string(), header)
}

/// The slides a header claims: `*Slide 20; ...*`, `*Slides 63-68; ...*`,
/// or none for `*Beyond the course...`.
fn claimed(header: &str) -> Result<String, String> {
    if header.starts_with("*Beyond the course") {
        return Ok(String::new());
    }
    let rest = header
        .strip_prefix("*Slides ")
        .or_else(|| header.strip_prefix("*Slide "))
        .ok_or_else(|| {
            format!("header does not start with *Slide(s) N: {header:?}")
        })?;
    let end = rest.find([';', '.', '*']).unwrap_or(rest.len());
    let spec = &rest[..end];
    let plural = header.starts_with("*Slides ");
    if plural != (parse_slides(spec)?.len() > 1) {
        return Err(format!("\"Slide\" or \"Slides\"? {header:?}"));
    }
    Ok(spec.to_string())
}

/// The part a page belongs to: 0 for the introduction.
fn part_of(page: &str) -> u32 {
    match page.strip_prefix("part") {
        Some(rest) => rest[..1].parse().expect("a part's number"),
        None => 0,
    }
}

/// The first and last slide of a part.
fn part_range(part: u32) -> (u32, u32) {
    let i = PARTS.iter().position(|p| p.0 == part).expect("a part");
    let last = PARTS.get(i + 1).map_or(LAST_SLIDE, |next| next.1 - 1);
    (PARTS[i].1, last)
}

/// A title compared with the deck's: case, spaces and " : " do not count.
fn normal(title: &str) -> String {
    let title = title.to_lowercase().replace(" :", ":");
    title.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn deck_title(slide: u32) -> Option<&'static str> {
    TITLES.iter().find(|t| t.0 == slide).map(|t| t.1)
}

/// `SUMMARY.md`'s entries: page path to its title there.
fn summary() -> BTreeMap<String, String> {
    let text = fs::read_to_string(slides_dir().join("SUMMARY.md")).unwrap();
    let mut entries = BTreeMap::new();
    for line in text.lines() {
        let Some((_, rest)) = line.split_once('[') else {
            continue;
        };
        let Some((title, rest)) = rest.split_once("](") else {
            continue;
        };
        let Some((path, _)) = rest.split_once(')') else {
            continue;
        };
        entries.insert(path.to_string(), title.to_string());
    }
    entries
}

/// All the problems this test finds, one line each.
fn problems() -> Vec<String> {
    let mut problems = Vec::new();
    let summary = summary();
    let listed: BTreeSet<&str> = PAGES.iter().map(|p| p.0).collect();
    for page in summary.keys() {
        if !listed.contains(page.as_str()) {
            problems.push(format!("{page}: in SUMMARY.md, not in PAGES"));
        }
    }
    // Slides claimed by pages that name a lesson in their header.
    let mut by_lesson: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    for &(page, expected, named) in PAGES {
        let Some(in_summary) = summary.get(page) else {
            problems.push(format!("{page}: not in SUMMARY.md"));
            continue;
        };
        let (title, header) = title_and_header(page);
        let spec = match claimed(&header) {
            Ok(spec) => spec,
            Err(e) => {
                problems.push(format!("{page}: {e}"));
                continue;
            }
        };
        if spec != expected {
            problems.push(format!(
                "{page}: the header claims slides {spec:?}, the deck {expected:?}"
            ));
        }
        let slides = parse(expected);
        let (first, last) = part_range(part_of(page));
        for slide in parse(&spec).into_iter().chain(slides.iter().copied()) {
            if slide < first || slide > last {
                problems.push(format!(
                    "{page}: slide {slide} is outside its part ({first}-{last})"
                ));
            }
        }
        for lesson in header.split('`').skip(1).step_by(2) {
            by_lesson
                .entry(lesson.to_string())
                .or_default()
                .extend(&slides);
        }
        // Step names: a page named after a deck title uses it, in its
        // title and in SUMMARY.md; a title naming a step must be one.
        let deck = named.and_then(deck_title);
        for (place, shown) in [("title", &title), ("SUMMARY.md", in_summary)] {
            match deck {
                Some(deck) if normal(shown) != normal(deck) => {
                    problems.push(format!(
                        "{page} ({place}): {shown:?} should be the deck's {deck:?}"
                    ))
                }
                None if normal(shown).starts_with("step ") => {
                    problems.push(format!(
                        "{page} ({place}): {shown:?} is not a step of the deck"
                    ))
                }
                _ => {}
            }
        }
        if let Some(slide) = named.filter(|s| !slides.contains(s)) {
            problems.push(format!(
                "{page}: named after slide {slide}, not its own"
            ));
        }
        if page.contains('/') {
            for &slide in &slides {
                let Some(step) = deck_title(slide) else {
                    continue;
                };
                if step.starts_with("Step") && deck != Some(step) {
                    problems.push(format!(
                        "{page}: covers slide {slide}, {step:?}, but is not named so"
                    ));
                }
            }
        }
    }
    problems.extend(lesson_table_problems(&by_lesson));
    problems
}

/// Each part's table of lessons (`| lesson | slide | ... |`): a lesson's
/// slide must be one that a page naming the lesson covers.
fn lesson_table_problems(
    by_lesson: &BTreeMap<String, BTreeSet<u32>>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut rows = 0;
    for part in 1..=9 {
        let page = format!("part{part}.md");
        let text = fs::read_to_string(slides_dir().join(&page)).unwrap();
        let mut in_table = false;
        for line in text.lines() {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            if cells.len() < 4 {
                in_table = false;
                continue;
            }
            if cells[1] == "lesson" {
                in_table = cells[2] == "slide";
                continue;
            }
            if !in_table || cells[2] == "-" || cells[2].starts_with("---") {
                continue;
            }
            let Ok(slides) = parse_slides(cells[2]) else {
                problems.push(format!("{page}: not slides: {line}"));
                continue;
            };
            for lesson in cells[1].split(", ") {
                rows += 1;
                let covered = by_lesson.get(lesson);
                for slide in &slides {
                    if !covered.is_some_and(|c| c.contains(slide)) {
                        problems.push(format!(
                            "{page}: {lesson} at slide {slide}, which no page \
                             naming `{lesson}` covers"
                        ));
                    }
                }
            }
        }
    }
    if rows < 40 {
        problems.push(format!("only {rows} lessons found in the part tables"));
    }
    problems
}

#[test]
fn slide_numbers_and_step_names_follow_the_deck() {
    let problems = problems();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_tables_agree_with_the_deck() {
    // Parts are in order and cover the deck; pages are listed once.
    for pair in PARTS.windows(2) {
        assert!(pair[0].1 < pair[1].1, "parts out of order: {pair:?}");
    }
    assert_eq!(part_range(9), (189, LAST_SLIDE));
    let pages: BTreeSet<&str> = PAGES.iter().map(|p| p.0).collect();
    assert_eq!(pages.len(), PAGES.len(), "a page listed twice");
    // The header parser reads what the pages write.
    assert_eq!(
        claimed("*Slides 71, 73; command `xmlcontest`.*"),
        Ok("71, 73".into())
    );
    assert_eq!(claimed("*Slide 20; lessons.*"), Ok("20".into()));
    assert!(claimed("*Slide 20-21; lessons.*").is_err());
    assert!(claimed("*Slides 73, 71.*").is_err());
    assert!(claimed("*Course slides 12-33.*").is_err());
    assert_eq!(
        normal("Step 6 : I/O Waiting"),
        normal("Step 6: I/O waiting")
    );
}
