fn main() {
    use std::time::Instant;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trials");
    let recs: Vec<Vec<u8>> = laysum::batch::inputs(&dir)
        .unwrap()
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    let p = laysum::Pipeline::new().unwrap();
    let n = 200;
    let mut t = [0f64; 5];
    for _ in 0..n {
        for r in &recs {
            let a = Instant::now();
            let trial = p.trial(r).unwrap();
            let b = Instant::now();
            let facts = p.facts(&trial);
            let c = Instant::now();
            let draft = p.draft_rules(&facts).unwrap();
            let d = Instant::now();
            let s = p.check(
                draft,
                &facts,
                &trial,
                laysum::summary::Generator::rules("x"),
            );
            let e = Instant::now();
            let out = p.render(&s, laysum::Format::Json).unwrap();
            std::hint::black_box(out);
            let f = Instant::now();
            for (i, (x, y)) in [(a, b), (b, c), (c, d), (d, e), (e, f)].iter().enumerate() {
                t[i] += (*y - *x).as_secs_f64();
            }
        }
    }
    let k = (n * recs.len()) as f64;
    let mut conv = 0f64;
    for _ in 0..n {
        for r in &recs {
            let trial = p.trial(r).unwrap();
            let facts = p.facts(&trial);
            let a = Instant::now();
            std::hint::black_box(minijinja::Value::from_serialize(&facts));
            conv += a.elapsed().as_secs_f64();
        }
    }
    let lex = std::sync::Arc::new(
        laysum::lexicon::Lexicon::load(laysum::templates::template_files()).unwrap(),
    );
    let tpl = laysum::templates::Templates::load(lex).unwrap();
    for name in [
        "headline",
        "summary",
        "active_substance",
        "what_this_could_lead_to",
        "what_could_go_wrong",
    ] {
        let mut tt = 0f64;
        for _ in 0..n {
            for r in &recs {
                let trial = p.trial(r).unwrap();
                let facts = minijinja::Value::from_serialize(&p.facts(&trial));
                let a = Instant::now();
                std::hint::black_box(tpl.render(&format!("sections/{name}.j2"), &facts).unwrap());
                tt += a.elapsed().as_secs_f64();
            }
        }
        println!("{name:24} {:6.1} µs", tt / k * 1e6);
    }
    println!("convert  {:6.1} µs", conv / k * 1e6);
    for (name, v) in ["trial", "facts", "draft", "check", "render"].iter().zip(t) {
        println!("{name:8} {:6.1} µs", v / k * 1e6);
    }
}
