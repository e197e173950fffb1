"""The three seed workloads on Python's asyncio and on uvloop, for docs/benchmarks.md.

Run by `cargo xtask bench --python` (through `report --python PYTHON`), once per event loop,
each in a fresh process: `python seeds.py asyncio|uvloop [scale]`. Prints one JSON object:
create_task + gather (us per task), sleeps (ms past 50 ms), echo (round trips per second).
"""

import asyncio
import json
import random
import sys
import time

SCALE = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
TASKS = max(1, int(100_000 * SCALE))
SLEEPERS = max(1, int(100_000 * SCALE))
CONNECTIONS = 50
ROUND_TRIPS = max(1, int(2_000 * SCALE))
SIZE = 64


async def nothing():
    pass


async def spawn_gather():
    start = time.perf_counter()
    await asyncio.gather(*[asyncio.create_task(nothing()) for _ in range(TASKS)])
    return (time.perf_counter() - start) / TASKS * 1e6


async def sleeps():
    rng = random.Random(1)
    start = time.perf_counter()
    await asyncio.gather(
        *[asyncio.create_task(asyncio.sleep(rng.randint(1, 50) / 1000)) for _ in range(SLEEPERS)]
    )
    return (time.perf_counter() - start) * 1e3 - 50.0


async def echo():
    async def serve(reader, writer):
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]

    async def client():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        message = b"x" * SIZE
        for _ in range(ROUND_TRIPS):
            writer.write(message)
            await reader.readexactly(SIZE)
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*[client() for _ in range(CONNECTIONS)])
    elapsed = time.perf_counter() - start
    server.close()
    return CONNECTIONS * ROUND_TRIPS / elapsed


async def main():
    return {
        "spawn_gather_us_per_task": await spawn_gather(),
        "sleeps_ms_past_50": await sleeps(),
        "echo_round_trips_per_sec": await echo(),
    }


if __name__ == "__main__":
    loop_name = sys.argv[1]
    if loop_name == "uvloop":
        import uvloop

        result = uvloop.run(main())
    else:
        result = asyncio.run(main())
    result["loop"] = loop_name
    print(json.dumps(result))
