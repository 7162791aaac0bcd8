//! Small signal-processing helpers shared by the analysis and render stages.

/// Modified Bessel function of the first kind, order 0 (series), for the Kaiser window of both
/// resamplers (analysis: to 16 kHz mono; render: to the output rate).
pub fn bessel_i0(x: f64) -> f64 {
    let mut sum = 1.0;
    let mut term = 1.0;
    let q = x * x / 4.0;
    for k in 1..60 {
        term *= q / (k * k) as f64;
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
    }
    sum
}
