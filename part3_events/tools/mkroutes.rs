//! # mkroutes: writes the bus data (a tool, not a lesson)
//!
//! The course ships a snapshot of Chicago's bus tracker,
//! `allroutes.xml`: one `<buses>` root holding a `<bus>` per vehicle,
//! each with `id`, `route`, `color`, `revenue`, `direction`, `latitude`,
//! `longitude`, `pattern`, `patternDirection`, `run`, `finalStop` (in
//! CDATA: stop names hold a `&`) and `operator`, written untidily (CR
//! LF line ends, tabs and spaces mixed, lines of blanks, trailing
//! blanks). The workbook makes its own file of that shape from a seeded
//! random generator, so it can be committed, made again byte for byte,
//! and made as large as the contest wants. The streets, routes and
//! numbers are invented.
//!
//! Run it: `cargo run --bin mkroutes -- --buses 1` prints a document with
//! one bus. With no options it writes what `data/allroutes.xml` holds
//! (950 buses, seed 20090327): `cargo run --bin mkroutes -- -o
//! data/allroutes.xml` makes that file again; `--megabytes 30` makes one
//! like the course's contest timed.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::Parser;
use part1_generators::Fail;
use rand::rngs::Xoshiro256PlusPlus;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};

/// Writes an allroutes.xml file of buses, like the course's bus data.
#[derive(Parser)]
#[command(name = "mkroutes")]
struct Args {
    /// File to write [default: standard output]
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Seed of the random choices: the same seed makes the same file
    /// (this one gives 16 northbound route 22 buses, as the course's)
    #[arg(long, default_value_t = 20_090_327)]
    seed: u64,
    /// Number of buses
    #[arg(long, default_value_t = 950, conflicts_with = "megabytes")]
    buses: u64,
    /// Size in megabytes (10^6 bytes) instead of a number of buses (the
    /// last bus is finished, so the file is a little bigger)
    #[arg(long, value_parser = megabytes)]
    megabytes: Option<f64>,
}

/// A size in megabytes, more than 0.
fn megabytes(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(mb) if mb > 0.0 && mb.is_finite() => Ok(mb),
        _ => Err(format!("expected a number of megabytes > 0, got `{text}`")),
    }
}

// Lists to choose from, comma-separated.
const NS_STREETS: &str = "Halsted,Ashland,Western,Pulaski,Cicero,Kedzie,\
    Damen,Clark,Broadway,Sheridan,Harlem,Austin,Central,Racine,Kostner,\
    Laramie,State,Wabash,California,Narragansett";
const EW_STREETS: &str = "Devon,Foster,Lawrence,Irving Park,Belmont,\
    Fullerton,North,Chicago,Madison,Roosevelt,Cermak,Pershing,47th Street,\
    63rd Street,79th Street,87th Street,95th Street,103rd Street,Touhy,\
    Addison";
const STOP_KINDS: &str = ",,, Terminal, Loop, Station";
/// Route 22 runs north-south (the lessons look for its northbound
/// buses); `OR` is an off-route trip, which has an `actualRoute`.
const ROUTES: &str = "2,3,4,6,8,9,X9,12,15,20,21,22,24,29,30,34,36,37,47,\
    49,X49,52,53,54,55,60,62,63,66,67,72,74,77,79,80,81,82,85,87,91,94,103,\
    111,147,151,152,155,J14,OR";
const COLORS: &str = "#cc3300,#9900cc,#cc3366,#3300ff,#336633,#009900,\
    #cc66ff,#33ff00,#996633,#006699,#ff9900,#663399,#0099cc,#cc0066,\
    #669900,#ff3366";
const RUN_LETTERS: &str = "P,F,K,C,N,G,X,B";
const INDENTS: &str = "\t\t,        \t\t,    \t,\t    \t,            \t,\
    \t\t\t,  \t  \t,\t            ";

type Rng = Xoshiro256PlusPlus;

/// One of the comma-separated `list`, chosen by `rng`.
fn pick(rng: &mut Rng, list: &'static str) -> &'static str {
    let items: Vec<&str> = list.split(',').collect();
    items.choose(rng).copied().unwrap_or_default()
}

/// A route: its name and colour, whether it runs north-south, the
/// street it runs along (a longitude, or a latitude), and by direction
/// (north or east first) the stop its buses go to and their pattern.
type Route = (&'static str, &'static str, bool, f64, [String; 2], [u32; 2]);

/// A stop name with an `&`: two crossing streets, sometimes a terminal.
fn stop_name(rng: &mut Rng) -> String {
    let (ns, ew) = (pick(rng, NS_STREETS), pick(rng, EW_STREETS));
    let kind = pick(rng, STOP_KINDS);
    let swap = rng.random_bool(0.5);
    let (a, b) = if swap { (ns, ew) } else { (ew, ns) };
    format!("{a} & {b}{kind}")
}

/// A route named `name`, drawn from `rng`.
fn route(rng: &mut Rng, name: &'static str) -> Route {
    let north_south = name == "22" || rng.random_bool(0.5);
    let axis = match north_south {
        true => rng.random_range(-87.80..-87.62),
        false => rng.random_range(41.72..42.02),
    };
    let stops = [stop_name(rng), stop_name(rng)];
    let patterns = [0, 1].map(|_| rng.random_range(1000..9999));
    let color = pick(rng, COLORS);
    (name, color, north_south, axis, stops, patterns)
}

/// A coordinate as the tracker prints it: often a single-precision
/// value widened to double (`41.925682067871094`), sometimes a double.
fn coordinate(rng: &mut Rng, x: f64) -> String {
    let single = rng.random_bool(0.6);
    if single { f64::from(x as f32) } else { x }.to_string()
}

/// One `<bus>` element, and the blank line after it.
fn bus(rng: &mut Rng, routes: &[Route]) -> String {
    let (name, color, north_south, axis, stops, patterns) =
        &routes[rng.random_range(0..routes.len())];
    let id = rng.random_range(1000..=8499).to_string();
    let dir = usize::from(!rng.random_bool(0.5)); // 0: north or east
    let directions =
        [["East Bound", "West Bound"], ["North Bound", "South Bound"]]
            [usize::from(*north_south)];
    // A few buses are on their way back already.
    let back = usize::from(!rng.random_bool(0.93));
    let actual_route = (*name == "OR")
        .then(|| routes[rng.random_range(0..routes.len() - 1)].0);
    let (lat, lon) = if *north_south {
        let lat = rng.random_range(41.68..42.03);
        (lat, axis + rng.random_range(-0.012..0.012))
    } else {
        let lat = axis + rng.random_range(-0.008..0.008);
        (lat, rng.random_range(-87.84..-87.55))
    };
    let (lat, lon) = (coordinate(rng, lat), coordinate(rng, lon));
    let revenue = rng.random_bool(0.97).to_string();
    let run =
        format!("{}{}", pick(rng, RUN_LETTERS), rng.random_range(100..=999));
    let operator = rng.random_range(10000..=59999).to_string();
    let stop = format!("<![CDATA[{}]]>", stops[dir]);
    let pattern = patterns[dir].to_string();
    // Each line: an indent, an element (or bare text), sometimes blanks
    // after; a line of blanks where the actual route would be.
    let lines = [
        ("", "<bus>"),
        ("id", &id),
        ("route", name),
        actual_route.map_or(("", ""), |actual| ("actualRoute", actual)),
        ("color", color),
        ("revenue", &revenue),
        ("direction", directions[dir]),
        ("latitude", &lat),
        ("longitude", &lon),
        ("pattern", &pattern),
        ("patternDirection", directions[dir ^ back]),
        ("run", &run),
        ("finalStop", &stop),
        ("operator", &operator),
        ("", "</bus>"),
    ];
    let mut out = String::new();
    for (tag, text) in lines {
        let indent = pick(rng, INDENTS);
        out += &match tag {
            "" => format!("{indent}{text}\r\n"),
            _ if rng.random_bool(0.1) => {
                format!("{indent}<{tag}>{text}</{tag}>  \r\n")
            }
            _ => format!("{indent}<{tag}>{text}</{tag}>\r\n"),
        };
    }
    out + "\r\n"
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let mut rng = Rng::seed_from_u64(args.seed);
    let routes: Vec<Route> = ROUTES
        .split(',')
        .map(|name| route(&mut rng, name))
        .collect();
    // The document, made whole in memory (the contest's 30 MB is little).
    let mut xml = "<?xml version=\"1.0\"?>\r\n\r\n\r\n\r\n\t\t<buses>\r\n\r\n"
        .to_string();
    let size = args.megabytes.map(|mb| (mb * 1e6).round() as usize);
    let mut buses = 0;
    while size.map_or(buses < args.buses, |size| xml.len() < size) {
        xml += &bus(&mut rng, &routes);
        buses += 1;
    }
    xml += "\t\t\r\n\t\t</buses>\r\n";
    let Some(path) = &args.output else {
        return Ok(io::stdout().write_all(xml.as_bytes())?);
    };
    let cannot = |e| format!("cannot write {}: {e}", path.display());
    std::fs::write(path, &xml).map_err(cannot)?;
    let bytes = xml.len();
    eprintln!("wrote {buses} buses, {bytes} bytes, to {}", path.display());
    Ok(())
}
