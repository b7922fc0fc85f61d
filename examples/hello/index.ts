// examples/hello — the smallest unijs app: a greeting and a few computed values, then exit 0.

function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

const primes: number[] = [];
for (let n = 2; primes.length < 10; n++) if (primes.every((p) => n % p !== 0)) primes.push(n);

console.log("Hello from unijs!");
console.log(`fib(15) = ${fib(15)}`);
console.log(`first primes: ${primes.join(" ")}`);
console.log(`sqrt(2) = ${Math.SQRT2.toFixed(6)}`);
console.log(`running on ${process.platform} ${process.arch} with QuickJS ${process.versions.quickjs}`);
