use super::*;
use crate::expr::{parse_expr, parse_statements};
use rand::SeedableRng;

fn bind(name: &str) -> Option<Binding> {
    match name {
        "v" => Some(Binding::Array(0)),
        "w" => Some(Binding::Array(1)),
        "t" => Some(Binding::Scalar(0)),
        "tau" => Some(Binding::Constant(0.01)),
        "i" => Some(Binding::Index),
        _ => None,
    }
}

fn rng() -> rand::rngs::SmallRng {
    rand::rngs::SmallRng::seed_from_u64(1)
}

#[test]
fn statements_run_sequentially_over_chunks() {
    let code = parse_statements("_x = v*2 + i\nv = _x + t\nw += v*(1/tau)").unwrap();
    let k = compile_statements(&code, &bind).unwrap();
    let n = 1000;
    let mut arrays = vec![vec![1.0; n], vec![0.5; n]];
    let mut s = Scratch::default();
    k.run(
        &mut arrays,
        Elements::Range(0, n),
        &[10.0],
        &mut rng(),
        &mut s,
        |_| {},
    );
    for j in [0, 255, 256, 999] {
        let v = 2.0 + j as f64 + 10.0;
        assert_eq!(arrays[0][j], v);
        assert!(
            (arrays[1][j] - (0.5 + v * 100.0)).abs() < 1e-9,
            "{j}: {} vs {}",
            arrays[1][j],
            0.5 + v * 100.0
        );
    }
}

#[test]
fn constants_fold_and_conditions_report_hits() {
    let cond = parse_expr("v > 2*tau*100 and i != 3").unwrap();
    let k = compile_condition(&[], &cond, &bind).unwrap();
    assert_eq!(k.len(), 3, "2*tau*100 folds to one constant: {k:?}");
    let mut arrays = vec![vec![0.0, 3.0, 1.0, 5.0, 2.5], vec![0.0; 5]];
    let mut hits = Vec::new();
    let mut s = Scratch::default();
    k.run(
        &mut arrays,
        Elements::Range(0, 5),
        &[0.0],
        &mut rng(),
        &mut s,
        |j| hits.push(j),
    );
    assert_eq!(hits, vec![1, 4]);
    let mut hits = Vec::new();
    let idx = [3u32, 4];
    k.run(
        &mut arrays,
        Elements::Indices(&idx),
        &[0.0],
        &mut rng(),
        &mut s,
        |j| hits.push(j),
    );
    assert_eq!(hits, vec![4]);
}

#[test]
fn indexed_execution_scatters_only_given_elements() {
    let code = parse_statements("v = 0\nw += 3").unwrap();
    let k = compile_statements(&code, &bind).unwrap();
    let mut arrays = vec![vec![1.0; 6], vec![0.0; 6]];
    let mut s = Scratch::default();
    k.run(
        &mut arrays,
        Elements::Indices(&[1, 4]),
        &[0.0],
        &mut rng(),
        &mut s,
        |_| {},
    );
    assert_eq!(arrays[0], vec![1.0, 0.0, 1.0, 1.0, 0.0, 1.0]);
    assert_eq!(arrays[1], vec![0.0, 3.0, 0.0, 0.0, 3.0, 0.0]);
}

#[test]
fn random_numbers_are_seeded_and_uniform() {
    let code = parse_statements("v = rand()\nw = randn()").unwrap();
    let k = compile_statements(&code, &bind).unwrap();
    assert!(k.uses_random());
    let n = 100_000;
    let mut arrays = vec![vec![0.0; n], vec![0.0; n]];
    let mut s = Scratch::default();
    k.run(
        &mut arrays,
        Elements::Range(0, n),
        &[0.0],
        &mut rng(),
        &mut s,
        |_| {},
    );
    let mean = arrays[0].iter().sum::<f64>() / n as f64;
    assert!((mean - 0.5).abs() < 0.01, "{mean}");
    let var = arrays[1].iter().map(|x| x * x).sum::<f64>() / n as f64;
    assert!((var - 1.0).abs() < 0.02, "{var}");
}

/// Folding `x*1` or `x+0` used to hand back the operand's register after releasing it,
/// so the next instruction overwrote it (the COBAHH exponential-Euler update, whose
/// linear coefficients contain `betam*1`, read a clobbered register and panicked).
#[test]
fn folding_identities_keeps_the_operand_register_alive() {
    for text in [
        "w = (v*2)*1 + v*3",
        "w = 1*(v*2) + v*3",
        "w = ((v*2) + 0) + v*3",
        "w = (0 + (v*2)) + v*3",
        "w = ((v*2) - 0) + v*3",
        "w = (v*2)/1 + v*3",
        "_a = (v*2)*1\n_b = v*3\nw = _a + _b",
    ] {
        let code = parse_statements(text).unwrap();
        let k = compile_statements(&code, &bind).unwrap();
        let mut arrays = vec![vec![1.0, 2.0, 3.0], vec![0.0; 3]];
        let mut s = Scratch::default();
        k.run(
            &mut arrays,
            Elements::Range(0, 3),
            &[0.0],
            &mut rng(),
            &mut s,
            |_| {},
        );
        assert_eq!(arrays[1], vec![5.0, 10.0, 15.0], "{text}");
    }
}
