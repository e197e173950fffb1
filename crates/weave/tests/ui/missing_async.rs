#[weave::main]
fn main() {}
