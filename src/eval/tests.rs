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

/// Evaluates abstract code directly on the AST, one element at a time: the reference the
/// compiled kernels must reproduce bit for bit.
fn reference(code: &[crate::expr::Statement], env: &mut std::collections::HashMap<String, f64>) {
    use crate::expr::{Expr, ExprKind, UnaryOp};
    fn eval(e: &Expr, env: &std::collections::HashMap<String, f64>) -> f64 {
        match &e.kind {
            ExprKind::Number(v) => *v,
            ExprKind::Bool(b) => f64::from(u8::from(*b)),
            ExprKind::Name(n) => env[n.as_str()],
            ExprKind::Unary(UnaryOp::Neg, a) => -eval(a, env),
            ExprKind::Unary(UnaryOp::Not, a) => f64::from(u8::from(eval(a, env) == 0.0)),
            ExprKind::Binary(op, a, b) => super::exec::apply_bin(*op, eval(a, env), eval(b, env)),
            ExprKind::Call(f, args) => {
                let x = eval(&args[0], env);
                match f.as_str() {
                    "exp" => super::exec::exp(x),
                    "abs" => x.abs(),
                    "sqrt" => x.sqrt(),
                    "clip" => x.max(eval(&args[1], env)).min(eval(&args[2], env)),
                    other => panic!("{other}"),
                }
            }
        }
    }
    for s in code {
        let v = eval(&s.as_assignment(), env);
        env.insert(s.target.clone(), v);
    }
}

fn random_expr(rng: &mut rand::rngs::SmallRng, depth: u32) -> String {
    use rand::Rng;
    let leaves = [
        "v", "w", "t", "_a", "_b", "2", "1", "-1", "0", "0.5", "tau", "i",
    ];
    if depth == 0 || rng.random::<f64>() < 0.2 {
        return leaves[rng.random_range(0..leaves.len())].to_string();
    }
    let a = random_expr(rng, depth - 1);
    let b = random_expr(rng, depth - 1);
    match rng.random_range(0..10) {
        0 => format!("-({a})"),
        1 => format!("exp(({a})/8)"),
        2 => format!("abs({a})"),
        3 => format!("({a}) - ({b})"),
        4 => format!("({a}) / ({b})"),
        5 => format!("clip({a}, -1, {b})"),
        6 | 7 => format!("({a}) * ({b})"),
        _ => format!("({a}) + ({b})"),
    }
}

/// Negations folded into neighbouring operations and common subexpressions computed once
/// change no bit of the result: random programs, compiled and run over arrays, against
/// the AST evaluated directly.
#[test]
fn optimised_kernels_match_direct_evaluation_bit_for_bit() {
    use rand::Rng;
    let mut gen = rand::rngs::SmallRng::seed_from_u64(7);
    for case in 0..400 {
        // Temporaries are reassigned and arrays written mid-way, so common subexpressions
        // must be forgotten when what they read changes.
        let mut lines = vec!["_a = v*2".to_string(), "_b = w - t".to_string()];
        for _ in 0..gen.random_range(1..6) {
            let target = ["_a", "_b", "v", "w"][gen.random_range(0..4)];
            lines.push(format!("{target} = {}", random_expr(&mut gen, 4)));
        }
        lines.push(format!("v = {}", random_expr(&mut gen, 3)));
        let text = lines.join("\n");
        let code = parse_statements(&text).unwrap();
        let k = compile_statements(&code, &bind).unwrap();
        let n = 300;
        let v0: Vec<f64> = (0..n).map(|j| (j as f64 - 150.0) * 0.37).collect();
        let w0: Vec<f64> = (0..n)
            .map(|j| ((j * 7919) % 101) as f64 * 0.21 - 9.0)
            .collect();
        let mut arrays = vec![v0.clone(), w0.clone()];
        let mut s = Scratch::default();
        k.run(
            &mut arrays,
            Elements::Range(0, n),
            &[0.25],
            &mut rng(),
            &mut s,
            |_| {},
        );
        // Over gathered indices (no stores in place) the same bits, element by element.
        let all: Vec<u32> = (0..n as u32).collect();
        let mut gathered = vec![v0.clone(), w0.clone()];
        k.run(
            &mut gathered,
            Elements::Indices(&all),
            &[0.25],
            &mut rng(),
            &mut s,
            |_| {},
        );
        for (a, b) in arrays.iter().flatten().zip(gathered.iter().flatten()) {
            assert!(
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                "{text}"
            );
        }
        for j in 0..n {
            let mut env: std::collections::HashMap<String, f64> = [
                ("v", v0[j]),
                ("w", w0[j]),
                ("t", 0.25),
                ("tau", 0.01),
                ("i", j as f64),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            reference(&code, &mut env);
            for (a, name) in ["v", "w"].iter().enumerate() {
                let (got, want) = (arrays[a][j], env[*name]);
                assert!(
                    got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                    "case {case}, element {j}, {name}: {got} vs {want}\n{text}"
                );
            }
        }
    }
}

/// A linear update (exact integration's shape) is a chain of multiply-adds whose last
/// instruction writes the array in place; an update that reads the old value after
/// computing the new one keeps its copy.
#[test]
fn linear_updates_fuse_and_store_in_place() {
    let code = parse_statements("_v = 0.99*v + 0.01*w + 0.5\n_w = 0.9*w\nv = _v\nw = _w").unwrap();
    let k = compile_statements(&code, &bind).unwrap();
    assert_eq!(k.len(), 4, "{k:#?}");
    assert!(format!("{k:?}").contains("MulAdd"), "{k:#?}");
    assert!(k.range_stores.is_empty(), "{k:#?}");
    assert_eq!(k.in_place.len(), 2, "{k:#?}");
    // w's new value is read by v's update after it is computed (through the array, when
    // it went there in place) while v's old value is read before.
    let code = parse_statements("_n = v*2\nw = _n + w\nv = _n*w").unwrap();
    let k = compile_statements(&code, &bind).unwrap();
    let mut arrays = vec![vec![1.5, -2.0, 3.0], vec![0.25, 4.0, -1.0]];
    let mut s = Scratch::default();
    k.run(
        &mut arrays,
        Elements::Range(0, 3),
        &[0.0],
        &mut rng(),
        &mut s,
        |_| {},
    );
    for (j, (v, w)) in [(1.5, 0.25), (-2.0, 4.0), (3.0, -1.0)]
        .into_iter()
        .enumerate()
    {
        let n: f64 = v * 2.0;
        let w2 = n + w;
        assert_eq!(arrays[1][j].to_bits(), w2.to_bits());
        assert_eq!(arrays[0][j].to_bits(), (n * w2).to_bits());
    }
}

#[test]
fn repeated_subexpressions_and_negations_cost_no_instructions() {
    // v*w once, exp once; the negations fold into the subtraction and the product.
    let code = parse_statements("v = -(v*w) + exp(v*w)*(-2) - (-exp(v*w))").unwrap();
    let k = compile_statements(&code, &bind).unwrap();
    assert_eq!(k.len(), 5, "{k:#?}");
    // Exponential Euler's shape: (-B) + (x + B)*E has no negation instruction.
    let code = parse_statements("_B = w*3\nv = (-_B) + (v + _B)*exp(w)").unwrap();
    let k = compile_statements(&code, &bind).unwrap();
    assert!(
        !format!("{k:?}").contains("Neg"),
        "the negation folds into a subtraction: {k:#?}"
    );
}

/// The vectorisable exp agrees with the C library's to 2 ulp everywhere, including
/// subnormal results, and handles overflow, underflow and NaN.
#[test]
fn exp_is_accurate_to_two_ulp() {
    use super::exec::exp;
    let ulps = |a: f64, b: f64| (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs();
    let mut worst = (0, 0.0);
    let mut g = rng();
    use rand::Rng;
    for k in 0..2_000_000 {
        let x = match k % 4 {
            0 => g.random_range(-1.0..1.0),
            1 => g.random_range(-30.0..30.0),
            2 => g.random_range(-708.0..709.7),
            _ => g.random_range(-745.0..-708.0),
        };
        let u = ulps(exp(x), x.exp());
        if u > worst.0 {
            worst = (u, x);
        }
    }
    println!("worst: {} ulp at x = {}", worst.0, worst.1);
    assert!(worst.0 <= 2, "{} ulp at x = {}", worst.0, worst.1);
    for x in [0.0, -0.0, 1.0, -1.0, 1e-300, -1e-300, 709.78, -745.1] {
        assert!(ulps(exp(x), x.exp()) <= 2, "x = {x}");
    }
    assert_eq!(exp(0.0), 1.0);
    assert_eq!(exp(710.0), f64::INFINITY);
    assert_eq!(exp(1e10), f64::INFINITY);
    assert_eq!(exp(f64::INFINITY), f64::INFINITY);
    assert_eq!(exp(-746.0), 0.0);
    assert_eq!(exp(f64::NEG_INFINITY), 0.0);
    assert!(exp(f64::NAN).is_nan());
}

/// Thresholds that compare an array with a constant take a direct path (no copies); its
/// hits must equal the general path's, for every comparison, for ranges and index lists.
#[test]
fn direct_comparisons_find_the_same_hits_as_the_general_path() {
    use rand::Rng;
    let mut r = rng();
    let n = 1000;
    let v: Vec<f64> = (0..n)
        .map(|_| {
            let u = r.random::<f64>();
            if u < 0.02 {
                f64::NAN
            } else if u < 0.1 {
                0.5
            } else {
                r.random::<f64>()
            }
        })
        .collect();
    let mut arrays = vec![v, vec![0.0; n]];
    let idx: Vec<u32> = (0..n as u32).filter(|k| k % 3 != 0).collect();
    for op in [">", ">=", "<", "<=", "==", "!="] {
        let direct =
            compile_condition(&[], &parse_expr(&format!("v {op} 0.5")).unwrap(), &bind).unwrap();
        let general = compile_condition(
            &[],
            &parse_expr(&format!("(v {op} 0.5) and (w == 0)")).unwrap(),
            &bind,
        )
        .unwrap();
        for elements in [
            Elements::Range(0, n),
            Elements::Range(37, 500),
            Elements::Range(3, 13),
            Elements::Indices(&idx),
        ] {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            let mut s = Scratch::default();
            direct.run(&mut arrays, elements, &[0.0], &mut rng(), &mut s, |j| {
                a.push(j)
            });
            general.run(&mut arrays, elements, &[0.0], &mut rng(), &mut s, |j| {
                b.push(j)
            });
            assert_eq!(a, b, "v {op} 0.5");
            assert!(!a.is_empty() || matches!(elements, Elements::Range(3, 13)));
        }
    }
}

#[test]
fn vectorised_exprel_is_within_4_ulp_of_expm1_over_x() {
    use super::exec::exprel;
    let ulps = |a: f64, b: f64| (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs();
    let mut worst = (0, 0.0);
    let mut g = rng();
    use rand::Rng;
    for k in 0..2_000_000 {
        let x: f64 = match k % 4 {
            0 => g.random_range(-1.0..1.0),
            1 => g.random_range(-1e-6..1e-6),
            2 => g.random_range(-40.0..40.0),
            _ => g.random_range(-700.0..700.0),
        };
        let u = ulps(exprel(x), x.exp_m1() / x);
        if u > worst.0 {
            worst = (u, x);
        }
    }
    println!("worst: {} ulp at x = {}", worst.0, worst.1);
    assert!(worst.0 <= 4, "{} ulp at x = {}", worst.0, worst.1);
    assert_eq!(exprel(0.0), 1.0);
    assert_eq!(exprel(-0.0), 1.0);
    assert_eq!(exprel(f64::INFINITY), f64::INFINITY);
    assert_eq!(exprel(f64::NEG_INFINITY), 0.0);
    assert_eq!(exprel(800.0), f64::INFINITY);
    assert!(exprel(f64::NAN).is_nan());
}

#[test]
fn copying_kernels_say_what_they_copy_and_computing_ones_do_not() {
    let k = compile_statements(&parse_statements("v = w").unwrap(), &bind).unwrap();
    assert_eq!(k.as_copies(), Some(vec![(0, Copied::Array(1))]));
    let k = compile_statements(&parse_statements("w = tau\nv = w").unwrap(), &bind).unwrap();
    assert_eq!(
        k.as_copies(),
        Some(vec![
            (1, Copied::Constant(0.01)),
            (0, Copied::Constant(0.01))
        ])
    );
    for code in ["v = w*2", "v = t", "v = rand()", "v = i", "v = -w"] {
        let k = compile_statements(&parse_statements(code).unwrap(), &bind).unwrap();
        assert_eq!(k.as_copies(), None, "{code}");
    }
}
