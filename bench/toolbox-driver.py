# The LRP Toolbox's side of bench/toolbox-peer.mjs: one whole process doing what `lrp explain
# --rule epsilon=0.01` does: import the toolbox, model_io.read the model, np.load the input,
# forward, ε-LRP from y ⊙ onehot(argmax y), np.save R (float64). The toolbox's python folder comes
# from LRP_TOOLBOX_PY; its code is not part of lrpjs.
# Usage: LRP_TOOLBOX_PY=.../python python3 toolbox-driver.py MODEL X.npy R.npy EPSILON BATCH
import os
import sys

import numpy as np

if not hasattr(np, 'float'):
    np.float = float  # the toolbox uses the alias numpy 1.24 removed

sys.path.insert(0, os.environ['LRP_TOOLBOX_PY'])
import model_io  # noqa: E402  (the toolbox's own reader)

model_path, x_path, out_path, eps, batch = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
nn = model_io.read(model_path)
X = np.load(x_path)
parts = []
for s in range(0, X.shape[0], batch):
    Y = nn.forward(X[s:s + batch])
    R0 = Y * (Y == Y.max(axis=1, keepdims=True))
    parts.append(nn.lrp(R0, 'epsilon', eps))
np.save(out_path, np.concatenate(parts))
