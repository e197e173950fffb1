#[weave::main(flavor = "single")]
async fn main() {}
