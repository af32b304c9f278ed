#!/usr/bin/python3
"""A Python training server built the way Melissa's is, to compare Apiary with.

Written for this comparison (bench/reference/README.md); it is NOT Melissa.
It follows the design shared/reference/melissa.md describes, in one process:

  ZeroMQ reception thread -> NumPy arrays -> reservoir behind a threading.Lock
  -> torch IterableDataset -> DataLoader(num_workers=0) -> the training loop
  (main thread, MLP, Adam, MSE) with validation every few batches.

It speaks Apiary's wire protocol v2 (docs/protocol.md) so that the unmodified
apiary-synthetic clients stream to it, and it takes the place of
apiary-server under the real launcher (`apiary run`), with the same command
line: --study STUDY.toml --plan plan.json --run-dir DIR. It writes what the
launcher and bench/reference/summarize.py read: server.json,
metrics.jsonl (same events and fields as Apiary's, those the comparison
uses) and server_summary.json. One server rank only.

The training problem is the one Apiary's server solves, on purpose: same
input scaling and output standardisation (README, "Normalisation"), same
MLP, Adam with the study's rate, constant schedule, MSE, validation MSE in
the field's units. Differences in speed are then the design's, not the
problem's.
"""
import time

# Before the imports: their cost (torch takes seconds) is the start-up that
# summary.json reports as startup_seconds.
PROCESS_START = time.monotonic()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import struct  # noqa: E402
import threading  # noqa: E402
import tomllib  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import zmq  # noqa: E402
from torch.utils.data import DataLoader, IterableDataset  # noqa: E402

# --- Wire protocol v2 (docs/protocol.md, src/protocol/frame.cpp) ----------

# magic, version, type, simulation_id, time_step, client_rank, client_ranks,
# offset, length, global_size, dtype, reserved, name_length, status,
# payload_bytes: 64 bytes, little-endian, no padding.
HEADER = struct.Struct("<IHHIIIIQQQBBHIQ")
MAGIC, VERSION = 0x59525041, 2
HELLO, WELCOME, REFUSED, DATA, END, STUDY_END, ACK = range(1, 8)
DTYPES = {1: np.float32, 2: np.float64}
STATUS_REFUSED, STATUS_SIZE_MISMATCH = 5, 6


def encode(kind, simulation_id=0, time_step=0, offset=0, global_size=0, status=0, payload=b""):
    return HEADER.pack(MAGIC, VERSION, kind, simulation_id, time_step, 0, 0, offset, 0, global_size, 0, 0, 0,
                       status, len(payload)) + payload


def welcome_payload(steps, endpoints, routing=0):
    """welcome's payload: steps, routing (0: round robin), the data endpoints."""
    payload = struct.pack("<III", steps, routing, len(endpoints))
    for endpoint in endpoints:
        payload += struct.pack("<H", len(endpoint)) + endpoint.encode("ascii")
    return payload


class Header:
    """The fields of a header this server uses."""

    def __init__(self, frame):
        (self.magic, self.version, self.type, self.simulation_id, self.time_step, self.client_rank,
         self.client_ranks, self.offset, self.length, self.global_size, self.dtype, _, name_length, _,
         self.payload_bytes) = HEADER.unpack_from(frame)
        self.name = bytes(frame[HEADER.size:HEADER.size + name_length]).decode("ascii", "replace")
        self.payload_at = HEADER.size + name_length


def decode(frame):
    """The header, or None for a frame that is not a whole v2 message.
    Melissa checks nothing; these few checks only keep a stray message
    from killing the reception thread."""
    if len(frame) < HEADER.size:
        return None
    header = Header(frame)
    whole = len(frame) == header.payload_at + header.payload_bytes
    typed = header.type != DATA or (header.dtype in DTYPES
                                    and header.payload_bytes == header.length * np.dtype(DTYPES[header.dtype]).itemsize)
    return header if header.magic == MAGIC and header.version == VERSION and whole and typed else None


# --- Reservoir (Melissa's semantics, melissa.md "Training buffers") --------

class Reservoir:
    """Random draws without removal once `watermark` samples are held.

    When full, a new sample replaces one already served, never an unseen
    one; after close() it drains: each sample served is removed. One lock
    for the reception thread and the trainer, as in Melissa.
    """

    def __init__(self, capacity, watermark, seed):
        self.capacity, self.watermark = capacity, watermark
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.samples = []  # (inputs, field) NumPy arrays, one slot each
        self.seen = []  # times each slot was served
        # Slots served at least once, and where each sits in that list, so
        # that picking a victim and forgetting it are both O(1).
        self.seen_slots, self.seen_position = [], {}
        self.closed = False
        self.puts = self.gets = 0

    def has_room(self):
        with self.lock:
            return self.closed or len(self.samples) < self.capacity or bool(self.seen_slots)

    def put(self, sample):
        """Stores a sample; the reception thread checked has_room() first and
        only the trainer changes the buffer meanwhile, which adds room."""
        with self.changed:
            if self.closed:
                return
            if len(self.samples) < self.capacity:
                self.samples.append(sample)
                self.seen.append(0)
            else:
                slot = self.rng.choice(self.seen_slots)
                self._forget_seen(slot)
                self.samples[slot], self.seen[slot] = sample, 0
            self.puts += 1
            self.changed.notify_all()

    def get(self):
        """One sample, waiting for the watermark; None once drained."""
        with self.changed:
            self.changed.wait_for(lambda: self.closed or len(self.samples) >= self.watermark)
            if not self.samples:
                return None
            slot = self.rng.randrange(len(self.samples))
            sample = self.samples[slot]
            if self.closed:
                # Draining: no more puts, the seen index is no longer needed.
                self.samples[slot], self.seen[slot] = self.samples[-1], self.seen[-1]
                self.samples.pop()
                self.seen.pop()
            else:
                if self.seen[slot] == 0:
                    self.seen_position[slot] = len(self.seen_slots)
                    self.seen_slots.append(slot)
                self.seen[slot] += 1
            self.gets += 1
            return sample

    def close(self):
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def size(self):
        with self.lock:
            return len(self.samples)

    def _forget_seen(self, slot):
        position = self.seen_position.pop(slot)
        last = self.seen_slots.pop()
        if last != slot:
            self.seen_slots[position] = last
            self.seen_position[last] = position


class ReservoirDataset(IterableDataset):
    """Yields samples as the reservoir serves them, until it is drained."""

    def __init__(self, reservoir):
        super().__init__()
        self.reservoir = reservoir

    def __iter__(self):
        while (sample := self.reservoir.get()) is not None:
            inputs, field = sample
            yield torch.from_numpy(inputs), torch.from_numpy(field)


# --- Output statistics for the normalisation ------------------------------

class FieldStatistics:
    """Per-value sums of the training fields received before training starts
    (Apiary's FieldStatistics): the targets are standardised with them."""

    def __init__(self, size):
        self.lock = threading.Lock()
        self.count, self.frozen = 0, False
        self.sum, self.sum_of_squares = np.zeros(size), np.zeros(size)

    def add(self, field):
        with self.lock:
            if self.frozen:
                return
            values = field.astype(np.float64)
            self.count += 1
            self.sum += values
            self.sum_of_squares += values * values

    def freeze(self):
        """Mean per value and one global standard deviation."""
        with self.lock:
            self.frozen = True
            if self.count == 0:
                return np.zeros(self.sum.size, np.float32), 1.0
            mean = self.sum / self.count
            variance = np.maximum(0.0, self.sum_of_squares / self.count - mean * mean)
            deviation = float(np.sqrt(variance.mean()))
            return mean.astype(np.float32), deviation if deviation > 1e-12 else 1.0


# --- Reception thread ------------------------------------------------------

class Receiver:
    """Answers the control socket, reads the data socket while the reservoir
    has room, rebuilds each time step as a NumPy array and stores it."""

    def __init__(self, study, plan, host, reservoir, statistics):
        self.field = study["client"]["field"]
        self.field_size = study["client"]["field_size"]
        self.time_steps = study["client"]["time_steps"]
        self.simulations = {s["id"]: s for s in plan["simulations"]}
        self.reservoir, self.statistics = reservoir, statistics
        self.validation = []  # (inputs, field) of the held-out simulations
        self.context = zmq.Context()
        self.control = self.context.socket(zmq.REP)
        self.data = self.context.socket(zmq.PULL)
        self.data.setsockopt(zmq.RCVHWM, study["server"]["receive_queue"])
        for socket in (self.control, self.data):
            socket.setsockopt(zmq.LINGER, 0)
            socket.bind(f"tcp://{host}:*")
        self.control_endpoint = self.control.getsockopt_string(zmq.LAST_ENDPOINT)
        self.data_endpoint = self.data.getsockopt_string(zmq.LAST_ENDPOINT)
        self.pending = {}  # (simulation, step) -> [field being rebuilt, values still missing]
        self.completed = set()  # (simulation, step): a replayed step is dropped
        self.client_ranks = {}  # simulation -> ranks it registered with
        self.ended_ranks = {}  # simulation -> client ranks that sent end
        self.awaited = None  # ids the launcher saw complete, once it announced the end
        self.counters = dict(messages=0, time_steps_received=0, training_samples=0, validation_samples=0,
                             duplicates_dropped=0, messages_rejected=0)
        self.thread = threading.Thread(target=self.run, name="reception", daemon=True)

    def finished(self):
        return self.awaited is not None and all(
            len(self.ended_ranks.get(i, ())) >= self.client_ranks.get(i, 1) for i in self.awaited)

    def run(self):
        poller = zmq.Poller()
        poller.register(self.control, zmq.POLLIN)
        reading = False
        while not self.finished():
            # Like Apiary's receiver: the data socket is read only while the
            # reservoir has room; unread messages wait in ZeroMQ's queues.
            room = self.reservoir.has_room()
            if room and not reading:
                poller.register(self.data, zmq.POLLIN)
            elif reading and not room:
                poller.unregister(self.data)
            reading = room
            events = dict(poller.poll(100 if room else 2))
            if self.data in events:
                while self.reservoir.has_room():
                    try:
                        frame = self.data.recv(zmq.NOBLOCK, copy=False).buffer
                    except zmq.Again:
                        break
                    self.handle_data(frame)
            if self.control in events:
                self.control.send(self.handle_control(self.control.recv()))
        self.reservoir.close()

    def handle_control(self, frame):
        header = decode(frame)
        if header is None:
            return encode(REFUSED, status=STATUS_REFUSED, payload=b"not an Apiary v2 message")
        if header.type == HELLO:
            if header.simulation_id not in self.simulations or header.name != self.field:
                return encode(REFUSED, status=STATUS_REFUSED, payload=b"unknown simulation or field")
            if header.global_size != self.field_size:
                return encode(REFUSED, status=STATUS_SIZE_MISMATCH, payload=b"field size differs from the study's")
            self.client_ranks[header.simulation_id] = header.client_ranks
            return encode(WELCOME, header.simulation_id, global_size=self.field_size,
                          payload=welcome_payload(self.time_steps, [self.data_endpoint]))
        if header.type == STUDY_END:
            self.awaited = struct.unpack_from(f"<{header.payload_bytes // 4}I", frame, header.payload_at)
            return encode(ACK)
        return encode(REFUSED, status=STATUS_REFUSED, payload=b"unexpected message type")

    def handle_data(self, frame):
        self.counters["messages"] += 1
        header = decode(frame)
        simulation = self.simulations.get(header.simulation_id) if header else None
        if simulation is None or header.name != self.field or header.type not in (DATA, END):
            self.counters["messages_rejected"] += 1
            return
        if header.type == END:
            self.ended_ranks.setdefault(header.simulation_id, set()).add(header.client_rank)
            return
        if (header.global_size != self.field_size or header.offset + header.length > self.field_size
                or header.time_step >= self.time_steps):
            self.counters["messages_rejected"] += 1
            return
        key = (header.simulation_id, header.time_step)
        if key not in self.pending:
            self.pending[key] = [np.empty(self.field_size, np.float32), self.field_size]
        entry = self.pending[key]
        # Deserialise: a NumPy view of the message's values, copied (and
        # converted to float32 if sent in double) into the step's field.
        values = np.frombuffer(frame, DTYPES[header.dtype], header.length, header.payload_at)
        entry[0][header.offset:header.offset + header.length] = values
        entry[1] -= header.length
        if entry[1] > 0:
            return
        del self.pending[key]
        if key in self.completed:
            self.counters["duplicates_dropped"] += 1
            return
        self.completed.add(key)
        self.counters["time_steps_received"] += 1
        inputs = np.array(simulation["parameters"] + [header.time_step], np.float32)
        sample = (inputs, entry[0])
        if simulation["role"] == "validation":
            self.counters["validation_samples"] += 1
            self.validation.append(sample)
        else:
            self.counters["training_samples"] += 1
            self.statistics.add(entry[0])
            self.reservoir.put(sample)


# --- Training --------------------------------------------------------------

def make_mlp(inputs, hidden, outputs):
    layers, width = [], inputs
    for h in hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    layers.append(torch.nn.Linear(width, outputs))
    return torch.nn.Sequential(*layers)


class Metrics:
    """metrics.jsonl, with Apiary's event names; time counts from `origin`."""

    def __init__(self, path, origin):
        self.out, self.origin = open(path, "a"), origin

    def write(self, event, record):
        record.update(event=event, time=time.monotonic() - self.origin)
        self.out.write(json.dumps(record) + "\n")
        self.out.flush()


class Trainer:
    """The training loop: batches from the DataLoader, Apiary's scaling,
    a metrics window every `metrics_every` batches and a validation every
    `validation_every`, in the main thread."""

    def __init__(self, study, receiver, reservoir, statistics, metrics):
        self.training, self.metrics_every = study["training"], study["server"]["metrics_every"]
        self.receiver, self.reservoir, self.statistics, self.metrics = receiver, reservoir, statistics, metrics
        # Inputs: each parameter from [min, max], the step from [0, steps - 1], to [-1, 1].
        ranges = [(p["min"], p["max"]) for p in study["parameters"]]
        last_step = max(study["client"]["time_steps"] - 1, 1)
        self.shift = torch.tensor([(lo + hi) / 2 for lo, hi in ranges] + [last_step / 2])
        self.scale = torch.tensor([2 / (hi - lo) for lo, hi in ranges] + [2 / last_step])
        # Outputs: set from the field statistics at the first batch.
        self.mean, self.std = torch.zeros(1), 1.0
        self.model = make_mlp(len(ranges) + 1, self.training["hidden"], study["client"]["field_size"])
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=self.training["learning_rate"],
                                          weight_decay=self.training["weight_decay"])
        self.loader = DataLoader(ReservoirDataset(reservoir), batch_size=self.training["batch_size"], num_workers=0)
        self.batches = self.samples_trained = 0
        self.seconds = 0.0

    def run(self):
        loss_function = torch.nn.MSELoss()
        for x, y in self.loader:
            if self.batches == 0:
                mean, self.std = self.statistics.freeze()
                self.mean = torch.from_numpy(mean)
                start = window_start = time.monotonic()
                window_samples, window_received = 0, self.receiver.counters["time_steps_received"]
            self.optimizer.zero_grad()
            loss = loss_function(self.model((x - self.shift) * self.scale), (y - self.mean) / self.std)
            loss.backward()
            self.optimizer.step()
            self.batches += 1
            self.samples_trained += len(x)
            window_samples += len(x)
            if self.batches % self.metrics_every == 0:
                now, received = time.monotonic(), self.receiver.counters["time_steps_received"]
                seconds = now - window_start
                self.metrics.write("train", dict(
                    batch=self.batches, samples_trained=self.samples_trained, samples_per_s=window_samples / seconds,
                    batches_per_s=self.metrics_every / seconds, loss=loss.item(), training_seconds=now - start,
                    received_samples_per_s=(received - window_received) / seconds,
                    buffer_size=self.reservoir.size(), buffer_capacity=self.reservoir.capacity,
                    puts=self.reservoir.puts, gets=self.reservoir.gets))
                window_start, window_samples, window_received = now, 0, received
            if self.batches % self.training["validation_every"] == 0:
                self.validate()
            if self.batches >= self.training["batches"]:
                break
        # Reception must not wait for a trainer that stopped.
        self.reservoir.close()
        if self.batches:
            self.seconds = time.monotonic() - start

    def validate(self):
        """MSE and relative L2 in the field's units over every held-out sample."""
        samples = list(self.receiver.validation)
        errors = references = 0.0
        self.model.eval()
        with torch.no_grad():
            for begin in range(0, len(samples), 256):
                chunk = samples[begin:begin + 256]
                x = torch.from_numpy(np.stack([s[0] for s in chunk]))
                y = torch.from_numpy(np.stack([s[1] for s in chunk]))
                prediction = self.model((x - self.shift) * self.scale) * self.std + self.mean
                errors += (prediction - y).pow(2).sum().item()
                references += y.pow(2).sum().item()
        self.model.train()
        mse = errors / (len(samples) * samples[0][1].size) if samples else 0.0
        rel_l2 = (errors / references) ** 0.5 if references > 0 else 0.0
        self.metrics.write("validation", dict(batch=self.batches, validation_mse=mse, validation_rel_l2=rel_l2,
                                              validation_samples=len(samples)))
        return mse, rel_l2


def loaded_blas():
    with open("/proc/self/maps") as maps:
        names = {line.split()[-1] for line in maps if "blas" in line.split()[-1]}
    return sorted(os.path.realpath(n) for n in names)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--study", required=True)
    parser.add_argument("--plan", required=True)
    parser.add_argument("--run-dir", required=True)
    args = parser.parse_args()
    with open(args.study, "rb") as f:
        study = tomllib.load(f)
    with open(args.plan) as f:
        plan = json.load(f)
    server, buffer, training = study["server"], study["buffer"], study["training"]
    if buffer["kind"] != "reservoir" or server["ranks"] != 1 or training["model"] != "mlp":
        raise SystemExit("reference_server.py: only buffer.kind = reservoir, server.ranks = 1, training.model = mlp")
    torch.set_num_threads(server["threads"] or os.cpu_count())
    torch.manual_seed(training["seed"])

    reservoir = Reservoir(buffer["capacity"], buffer["watermark"], training["seed"])
    statistics = FieldStatistics(study["client"]["field_size"])
    # The benchmark runs on one machine: "auto" is loopback there, as in apiary-server.
    host = "127.0.0.1" if server["host"] == "auto" else server["host"]
    receiver = Receiver(study, plan, host, reservoir, statistics)
    with open(os.path.join(args.run_dir, "server.json"), "w") as f:
        json.dump({"control": receiver.control_endpoint, "controls": [receiver.control_endpoint],
                   "data": [receiver.data_endpoint], "ranks": 1, "pid": os.getpid()}, f)
    # The launcher starts the clients once server.json exists: times count
    # from here, like Apiary's metrics (its log opens as it writes server.json).
    ready = time.monotonic()
    metrics = Metrics(os.path.join(args.run_dir, "metrics.jsonl"), ready)
    receiver.thread.start()

    trainer = Trainer(study, receiver, reservoir, statistics, metrics)
    trainer.run()
    mse, rel_l2 = trainer.validate() if trainer.batches else (0.0, 0.0)
    receiver.thread.join()

    summary = dict(receiver.counters, validation_mse=mse, validation_rel_l2=rel_l2,
                   validation_samples=len(receiver.validation), samples_trained=trainer.samples_trained,
                   batches=trainer.batches, training_seconds=trainer.seconds,
                   samples_per_second=trainer.samples_trained / trainer.seconds if trainer.seconds > 0 else 0.0,
                   server_ranks=1, buffer=dict(kind="reservoir", capacity_per_rank=reservoir.capacity,
                                               puts=reservoir.puts, gets=reservoir.gets),
                   startup_seconds=ready - PROCESS_START, torch_threads=torch.get_num_threads(),
                   torch_version=torch.__version__, blas=loaded_blas(),
                   server="bench/reference/reference_server.py (Python reference, not Apiary)")
    metrics.write("summary", dict(summary))
    with open(os.path.join(args.run_dir, "server_summary.json"), "w") as f:
        json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
