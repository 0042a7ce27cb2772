fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trials");
    let recs: Vec<Vec<u8>> = laysum::batch::inputs(&dir)
        .unwrap()
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    let p = laysum::Pipeline::new().unwrap();
    for _ in 0..300 {
        for r in &recs {
            std::hint::black_box(p.page(r, laysum::Format::Json).unwrap());
        }
    }
}
