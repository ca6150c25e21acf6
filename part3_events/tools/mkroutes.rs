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

use std::fs::File;
use std::io::{self, BufWriter, Write};
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
    #[arg(long, value_parser = positive)]
    megabytes: Option<f64>,
}

fn positive(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() => Ok(x),
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

/// One of the comma-separated `list`, chosen by `rng`.
fn pick(rng: &mut Xoshiro256PlusPlus, list: &'static str) -> &'static str {
    let items: Vec<&str> = list.split(',').collect();
    items.choose(rng).copied().unwrap_or_default()
}

/// A route: its name and colour, whether it runs north-south, the
/// street it runs along (a longitude, or a latitude), and by direction
/// (north or east first) the stop its buses go to and their pattern.
struct Route {
    name: &'static str,
    color: &'static str,
    north_south: bool,
    axis: f64,
    stops: [String; 2],
    patterns: [u32; 2],
}

/// A stop name with an `&`: two crossing streets, sometimes a terminal.
fn stop_name(rng: &mut Xoshiro256PlusPlus) -> String {
    let (ns, ew) = (pick(rng, NS_STREETS), pick(rng, EW_STREETS));
    let kind = pick(rng, STOP_KINDS);
    if rng.random_bool(0.5) {
        format!("{ns} & {ew}{kind}")
    } else {
        format!("{ew} & {ns}{kind}")
    }
}

/// The routes, drawn from `rng`.
fn routes(rng: &mut Xoshiro256PlusPlus) -> Vec<Route> {
    let mut routes = Vec::new();
    for name in ROUTES.split(',') {
        let north_south = name == "22" || rng.random_bool(0.5);
        let axis = if north_south {
            rng.random_range(-87.80..-87.62)
        } else {
            rng.random_range(41.72..42.02)
        };
        let stops = [stop_name(rng), stop_name(rng)];
        let patterns =
            [rng.random_range(1000..9999), rng.random_range(1000..9999)];
        let color = pick(rng, COLORS);
        routes.push(Route {
            name,
            color,
            north_south,
            axis,
            stops,
            patterns,
        });
    }
    routes
}

/// A coordinate as the tracker prints it: often a single-precision
/// value widened to double (`41.925682067871094`), sometimes a double.
fn coordinate(rng: &mut Xoshiro256PlusPlus, x: f64) -> String {
    if rng.random_bool(0.6) {
        format!("{}", f64::from(x as f32))
    } else {
        format!("{x}")
    }
}

/// Appends one `<bus>` element, and the blank line after it, to `out`.
fn bus(rng: &mut Xoshiro256PlusPlus, routes: &[Route], out: &mut String) {
    let route = &routes[rng.random_range(0..routes.len())];
    let id = rng.random_range(1000..=8499).to_string();
    let forward = rng.random_bool(0.5);
    let direction = match (route.north_south, forward) {
        (true, true) => "North Bound",
        (true, false) => "South Bound",
        (false, true) => "East Bound",
        (false, false) => "West Bound",
    };
    // A few buses are on their way back already.
    let pattern_direction = match direction {
        _ if rng.random_bool(0.93) => direction,
        "North Bound" => "South Bound",
        "South Bound" => "North Bound",
        "East Bound" => "West Bound",
        _ => "East Bound",
    };
    let dir = usize::from(!forward);
    let actual_route = (route.name == "OR")
        .then(|| routes[rng.random_range(0..routes.len() - 1)].name);
    let (lat, lon) = if route.north_south {
        let lat = rng.random_range(41.68..42.03);
        (lat, route.axis + rng.random_range(-0.012..0.012))
    } else {
        let lat = route.axis + rng.random_range(-0.008..0.008);
        (lat, rng.random_range(-87.84..-87.55))
    };
    let (lat, lon) = (coordinate(rng, lat), coordinate(rng, lon));
    let revenue = if rng.random_bool(0.97) {
        "true"
    } else {
        "false"
    };
    let letter = pick(rng, RUN_LETTERS);
    let run = format!("{letter}{}", rng.random_range(100..=999));
    let operator = rng.random_range(10000..=59999).to_string();
    let stop = format!("<![CDATA[{}]]>", route.stops[dir]);
    let pattern = route.patterns[dir].to_string();

    // A line: an indent, the element `tag` holding `text` (or `text`
    // alone), and sometimes blanks after.
    let mut line = |rng: &mut Xoshiro256PlusPlus, tag: &str, text: &str| {
        let indent = pick(rng, INDENTS);
        let line = match tag {
            "" => format!("{indent}{text}"),
            _ if rng.random_bool(0.1) => {
                format!("{indent}<{tag}>{text}</{tag}>  ")
            }
            _ => format!("{indent}<{tag}>{text}</{tag}>"),
        };
        out.push_str(&line);
        out.push_str("\r\n");
    };
    line(rng, "", "<bus>");
    line(rng, "id", &id);
    line(rng, "route", route.name);
    match actual_route {
        Some(actual) => line(rng, "actualRoute", actual),
        // A line of blanks where the actual route would be.
        None => line(rng, "", ""),
    }
    line(rng, "color", route.color);
    line(rng, "revenue", revenue);
    line(rng, "direction", direction);
    line(rng, "latitude", &lat);
    line(rng, "longitude", &lon);
    line(rng, "pattern", &pattern);
    line(rng, "patternDirection", pattern_direction);
    line(rng, "run", &run);
    line(rng, "finalStop", &stop);
    line(rng, "operator", &operator);
    line(rng, "", "</bus>");
    out.push_str("\r\n");
}

/// Writes the document into `out`; returns how many buses and bytes.
fn write_routes(mut out: impl Write, args: &Args) -> io::Result<(u64, u64)> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(args.seed);
    let routes = routes(&mut rng);
    let mut text = String::from("<?xml version=\"1.0\"?>\r\n\r\n\r\n\r\n");
    text.push_str("\t\t<buses>\r\n\r\n");
    let (mut buses, mut bytes) = (0, 0);
    while match args.megabytes {
        Some(mb) => ((bytes + text.len()) as f64) < (mb * 1e6).round(),
        None => buses < args.buses,
    } {
        bus(&mut rng, &routes, &mut text);
        buses += 1;
        if text.len() >= 1 << 16 {
            out.write_all(text.as_bytes())?;
            bytes += text.len();
            text.clear();
        }
    }
    text.push_str("\t\t\r\n\t\t</buses>\r\n");
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok((buses, (bytes + text.len()) as u64))
}

fn main() -> Result<(), Fail> {
    let args = Args::parse();
    let Some(path) = &args.output else {
        part1_generators::exit_quietly_on_closed_pipe();
        write_routes(BufWriter::new(io::stdout().lock()), &args)?;
        return Ok(());
    };
    let cannot = |e: io::Error| format!("cannot write {}: {e}", path.display());
    let file = File::create(path).map_err(cannot)?;
    let (buses, bytes) =
        write_routes(BufWriter::new(file), &args).map_err(cannot)?;
    eprintln!("wrote {buses} buses, {bytes} bytes, to {}", path.display());
    Ok(())
}
