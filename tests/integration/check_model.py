"""Loads the model a study exported and checks that PyTorch reproduces the
server's prediction for one validation sample (validation_probe.json).
Usage: /usr/bin/python3 check_model.py RUN_DIR"""
import json
import sys

import torch

run_dir = sys.argv[1]
model = torch.jit.load(f"{run_dir}/model.pt")
probe = json.load(open(f"{run_dir}/validation_probe.json"))
inputs = torch.tensor([probe["inputs"]], dtype=torch.float32)
with torch.no_grad():
    prediction = model(inputs)[0]
expected = torch.tensor(probe["prediction"], dtype=torch.float32)
assert prediction.shape == expected.shape, (prediction.shape, expected.shape)
error = (prediction - expected).abs().max().item()
scale = expected.abs().max().item()
print(f"max abs difference {error:.3g} for values up to {scale:.3g}")
sys.exit(0 if error <= 1e-5 * max(scale, 1.0) else 1)
