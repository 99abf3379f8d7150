#!/usr/bin/python3
"""The PyTorch peer's time per operator type for one training step (forward + weighted loss + backward +
SGD) of the same network, to set beside `renalseg bench model --profile` (DL4J's time per layer type).
usage: /usr/bin/python3 bench/pytorch_op_profile.py PEER_DIR [paper|small] [warmup]
PEER_DIR: the folder holding the PyTorch twin's fcn_ppm.py (required). One JSON line per operator
(self CPU seconds of the profiled step, top 15), then one with the step's wall time."""
import json, os, sys, time
if len(sys.argv) < 2:
    sys.exit("usage: bench/pytorch_op_profile.py PEER_DIR [paper|small] [warmup]")
peer = sys.argv[1]
sys.path.insert(0, os.path.abspath(peer))
import torch
from fcn_ppm import CONFIGS, build
torch.set_num_threads(2)
name = sys.argv[2] if len(sys.argv) > 2 else "paper"
warmup = int(sys.argv[3]) if len(sys.argv) > 3 else 1
cfg = CONFIGS[name]
m = build(cfg).train()
x = torch.randn(1, cfg.in_channels, *cfg.input_shape)
y = torch.randint(0, 3, (1, *cfg.input_shape))
loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor([0.2, 1.0, 2.0]))
opt = torch.optim.SGD(m.parameters(), lr=1e-3, momentum=0.9, weight_decay=1e-5)
def step():
    opt.zero_grad()
    loss = loss_fn(m(x), y)
    loss.backward()
    opt.step()
for _ in range(warmup):
    step()
t0 = time.perf_counter()
with torch.autograd.profiler.profile() as prof:
    step()
wall = time.perf_counter() - t0
rows = sorted(prof.key_averages(), key=lambda e: -e.self_cpu_time_total)
for e in rows[:15]:
    print(json.dumps({"op": e.key, "calls": e.count, "self_s": round(e.self_cpu_time_total / 1e6, 4)}))
print(json.dumps({"step_wall_s_profiled": round(wall, 3), "config": name, "threads": torch.get_num_threads(),
                  "loadavg_1m": os.getloadavg()[0]}))
