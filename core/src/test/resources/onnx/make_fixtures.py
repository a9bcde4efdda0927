#!/usr/bin/python3
"""Makes the ONNX test fixtures of org.visualbackprop.io.onnx (core/src/test/resources/onnx/).

Run from this folder with Debian's packages (python3-torch 1.13, python3-onnx 1.12, python3-numpy):

    /usr/bin/python3 make_fixtures.py

Every file is written from fixed seeds, so a rerun with the same versions gives the same numbers. For each network NAME:

    NAME.onnx          the model, exported by torch.onnx.export (or built with onnx.helper where the name says so)
    NAME.input.npy     a batch of 2 inputs, float32 N x C x H x W (uniform in [0, 1), as image pixels)
    NAME.output.npy    what PyTorch computes for them in evaluation mode (the model's last output, float32)
    NAME.grad.npy      the gradient, computed by PyTorch's autograd, of each sample's explained score with respect to
                       its input: the output of a one-output (regression) net; for a classifier the logit (the value
                       before the final LogSoftmax or Softmax) of the class it predicts
    NAME.weights/*.npy for the networks the Java tests rebuild by hand: every parameter and BatchNorm statistic,
                       named as PyTorch's state_dict names them

The error fixtures (resnet_block, sigmoid, avgpool) have only the .onnx file.
"""
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def randomize_batchnorm(model, gen):
    """Gives every BatchNorm running statistics and an affine map away from the identity, so that reading them wrong
    shows in the outputs."""
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            c = m.num_features
            m.running_mean.copy_(torch.rand(c, generator=gen) * 0.4 - 0.2)
            m.running_var.copy_(torch.rand(c, generator=gen) * 0.5 + 0.75)
            m.weight.data.copy_(torch.rand(c, generator=gen) * 0.5 + 0.75)
            m.bias.data.copy_(torch.rand(c, generator=gen) * 0.2 - 0.1)


def save(name, arr):
    np.save(os.path.join(HERE, name), np.ascontiguousarray(arr, dtype=np.float32))


def expected(name, model, x, classifier):
    """Writes NAME.input/output/grad.npy: PyTorch's forward pass and the gradient of the explained score."""
    model.eval()
    x = x.clone().requires_grad_(True)
    out = model(x)
    if classifier:
        logits = model.logits(x)
        score = logits.gather(1, logits.argmax(1, keepdim=True)).sum()
    else:
        score = out.sum()
    (grad,) = torch.autograd.grad(score, x)
    save(name + '.input.npy', x.detach().numpy())
    save(name + '.output.npy', out.detach().numpy())
    save(name + '.grad.npy', grad.numpy())


def export(name, model, x, opset, dynamic=None, **kw):
    model.eval()
    path = os.path.join(HERE, name + '.onnx')
    torch.onnx.export(model, x, path, opset_version=opset, input_names=['input'], output_names=['output'],
                      dynamic_axes=dynamic, do_constant_folding=True, **kw)
    onnx.checker.check_model(onnx.load(path))
    return path


def save_weights(name, model):
    folder = os.path.join(HERE, name + '.weights')
    os.makedirs(folder, exist_ok=True)
    for k, v in model.state_dict().items():
        if v.dtype.is_floating_point:
            save(os.path.join(folder, k + '.npy'), v.numpy())


def images(gen, shape):
    return torch.rand(shape, generator=gen)


class SvfStyle(nn.Module):
    """The paper's NetSVF pattern, reduced: (BatchNorm, 3x3 conv with strides 1, 2, 1, 2, ReLU) four times, flatten,
    one hidden layer, one regression output. BatchNorm comes before each convolution, as in the paper, so the exporter
    keeps it as a BatchNormalization node."""

    def __init__(self):
        super().__init__()
        chans = [1, 4, 6, 8, 8]
        layers = []
        for i in range(4):
            layers += [nn.BatchNorm2d(chans[i]), nn.Conv2d(chans[i], chans[i + 1], 3, stride=1 + i % 2), nn.ReLU()]
        self.features = nn.Sequential(*layers)
        self.fc1 = nn.Linear(8 * 5 * 13, 16)
        self.fc2 = nn.Linear(16, 1)

    def forward(self, x):
        x = torch.flatten(self.features(x), 1)
        return self.fc2(F.relu(self.fc1(x)))


class SignStyle(nn.Module):
    """A traffic-sign-style classifier with zero padding, a BatchNorm after a convolution (the exporter folds it into
    the convolution), a bias-free convolution, two max-poolings (one padded, stride 2 of a 3x3 window), a flatten written
    as x.view(x.size(0), -1) (exported with a dynamic batch as Shape, Gather, Unsqueeze, Concat and Reshape), dropout
    and a LogSoftmax head."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 12, 3, padding=1, bias=False)
        self.fc1 = nn.Linear(12 * 8 * 8, 24)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(24, 5)

    def logits(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 3, stride=2, padding=1)
        x = x.view(x.size(0), -1)
        return self.fc2(self.drop(F.relu(self.fc1(x))))

    def forward(self, x):
        return F.log_softmax(self.logits(x), dim=1)


class TanhSoftmax(nn.Module):
    """Tanh units, a 5x5 stride-2 convolution padded by 2, a reshape to (-1, features), and a Softmax head; exported
    with opset 11 and symbolic height and width, so the reader needs the input size from its user."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 6, 5, stride=2, padding=2)
        self.conv2 = nn.Conv2d(6, 6, 3)
        self.fc = nn.Linear(6 * 6 * 6, 4)

    def logits(self, x):
        x = torch.relu(self.conv2(torch.tanh(self.conv1(x))))
        return self.fc(x.reshape(-1, 6 * 6 * 6))

    def forward(self, x):
        return torch.softmax(self.logits(x), dim=1)


class ResidualBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 8 * 8, 1)

    def forward(self, x):
        y = F.relu(self.conv1(x))
        y = F.relu(y + self.conv2(y))
        return self.fc(torch.flatten(y, 1))


class SigmoidNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.fc = nn.Linear(2 * 6 * 6, 1)

    def forward(self, x):
        return self.fc(torch.flatten(torch.sigmoid(self.conv(x)), 1))


class AvgPoolNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 3, 3)
        self.fc = nn.Linear(3, 2)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(F.relu(self.conv(x)), 1), 1))


def helper_mlp(gen):
    """A graph built with onnx.helper in the style of older exporters (IR version 3, opset 9, initializers also listed
    as graph inputs), on feature vectors: Gemm with transB = 0, alpha and beta; Relu; MatMul then Add; a Constant shape
    fed to a Reshape that keeps [N, 10]; BatchNormalization on vectors; Tanh; Gemm with transB = 1. The expected
    values are computed with PyTorch's functional operations on the same arrays."""
    r = lambda *s: (torch.rand(s, generator=gen) * 2 - 1).numpy().astype(np.float32)
    w1, b1 = r(12, 16), r(16)           # Gemm, transB = 0: B is in x out
    w2, b2 = r(16, 10), r(10)           # MatMul: B is in x out
    mean, var = r(10) * 0.2, (r(10) + 2) / 2
    gamma, beta = r(10) * 0.25 + 1, r(10) * 0.1
    w3, b3 = r(3, 10), r(3)             # Gemm, transB = 1: B is out x in
    alpha, betac = 0.5, 2.0
    inits = {'w1': w1, 'b1': b1, 'w2': w2, 'b2': b2, 'mean': mean, 'var': var, 'gamma': gamma, 'beta': beta,
             'w3': w3, 'b3': b3}
    nodes = [
        helper.make_node('Gemm', ['input', 'w1', 'b1'], ['g1'], name='gemm1', alpha=alpha, beta=betac, transB=0),
        helper.make_node('Relu', ['g1'], ['r1'], name='relu1'),
        helper.make_node('MatMul', ['r1', 'w2'], ['m2'], name='matmul2'),
        helper.make_node('Add', ['m2', 'b2'], ['a2'], name='add2'),
        helper.make_node('Constant', [], ['shape'], name='shape_const',
                         value=numpy_helper.from_array(np.array([0, -1], dtype=np.int64))),
        helper.make_node('Reshape', ['a2', 'shape'], ['v2'], name='reshape2'),
        helper.make_node('BatchNormalization', ['v2', 'gamma', 'beta', 'mean', 'var'], ['n2'], name='bn2',
                         epsilon=1e-3, momentum=0.9),
        helper.make_node('Tanh', ['n2'], ['t2'], name='tanh2'),
        helper.make_node('Gemm', ['t2', 'w3', 'b3'], ['output'], name='gemm3', transB=1),
    ]
    initializers = [numpy_helper.from_array(v, k) for k, v in inits.items()]
    inputs = [helper.make_tensor_value_info('input', TensorProto.FLOAT, ['N', 12])]
    inputs += [helper.make_tensor_value_info(k, TensorProto.FLOAT, list(v.shape)) for k, v in inits.items()]
    graph = helper.make_graph(nodes, 'helper_mlp', inputs,
                              [helper.make_tensor_value_info('output', TensorProto.FLOAT, ['N', 3])], initializers)
    model = helper.make_model(graph, producer_name='onnx.helper', opset_imports=[helper.make_opsetid('', 9)])
    model.ir_version = 3
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, 'helper_mlp.onnx'))

    t = {k: torch.from_numpy(v) for k, v in inits.items()}
    x = torch.rand((2, 12), generator=gen).requires_grad_(True)
    h = torch.relu(alpha * (x @ t['w1']) + betac * t['b1'])
    h = h @ t['w2'] + t['b2']
    h = F.batch_norm(h, t['mean'], t['var'], t['gamma'], t['beta'], training=False, eps=1e-3)
    out = torch.tanh(h) @ t['w3'].T + t['b3']
    score = out.gather(1, out.argmax(1, keepdim=True)).sum()
    (grad,) = torch.autograd.grad(score, x)
    save('helper_mlp.input.npy', x.detach().numpy())
    save('helper_mlp.output.npy', out.detach().numpy())
    save('helper_mlp.grad.npy', grad.numpy())


def helper_padding(gen):
    """Padding as other exporters write it (onnx.helper, opset 13): a Conv with auto_pad SAME_UPPER (3x3, stride 1:
    one on every side), a Conv with asymmetric pads [0, 0, 1, 1] (3x3, stride 2, on 9 x 9: the extra row and column
    at the end are seen by no window, so it equals no padding), and a MaxPool with ceil_mode 1 (2x2, stride 2, on 4 x 4:
    the same size as floor mode), then Flatten and Gemm."""
    r = lambda *s: (torch.rand(s, generator=gen) * 2 - 1).numpy().astype(np.float32)
    inits = {'w1': r(3, 2, 3, 3), 'b1': r(3), 'w2': r(4, 3, 3, 3), 'b2': r(4), 'w3': r(2, 16), 'b3': r(2)}
    nodes = [
        helper.make_node('Conv', ['input', 'w1', 'b1'], ['c1'], name='conv_same', auto_pad='SAME_UPPER',
                         kernel_shape=[3, 3]),
        helper.make_node('Relu', ['c1'], ['r1'], name='relu1'),
        helper.make_node('Conv', ['r1', 'w2', 'b2'], ['c2'], name='conv_asym', pads=[0, 0, 1, 1], strides=[2, 2]),
        helper.make_node('Relu', ['c2'], ['r2'], name='relu2'),
        helper.make_node('MaxPool', ['r2'], ['p2'], name='pool_ceil', kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1),
        helper.make_node('Flatten', ['p2'], ['f2'], name='flatten', axis=1),
        helper.make_node('Gemm', ['f2', 'w3', 'b3'], ['output'], name='gemm', transB=1),
    ]
    graph = helper.make_graph(nodes, 'helper_padding',
                              [helper.make_tensor_value_info('input', TensorProto.FLOAT, ['N', 2, 9, 9])],
                              [helper.make_tensor_value_info('output', TensorProto.FLOAT, ['N', 2])],
                              [numpy_helper.from_array(v, k) for k, v in inits.items()])
    model = helper.make_model(graph, producer_name='onnx.helper', opset_imports=[helper.make_opsetid('', 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, 'helper_padding.onnx'))

    t = {k: torch.from_numpy(v) for k, v in inits.items()}
    x = torch.rand((2, 2, 9, 9), generator=gen).requires_grad_(True)
    h = torch.relu(F.conv2d(x, t['w1'], t['b1'], padding=1))
    h = torch.relu(F.conv2d(F.pad(h, (0, 1, 0, 1)), t['w2'], t['b2'], stride=2))
    h = F.max_pool2d(h, 2, stride=2, ceil_mode=True)
    out = torch.flatten(h, 1) @ t['w3'].T + t['b3']
    score = out.gather(1, out.argmax(1, keepdim=True)).sum()
    (grad,) = torch.autograd.grad(score, x)
    save('helper_padding.input.npy', x.detach().numpy())
    save('helper_padding.output.npy', out.detach().numpy())
    save('helper_padding.grad.npy', grad.numpy())


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(15)

    svf = SvfStyle()
    randomize_batchnorm(svf, gen)
    x = images(gen, (2, 1, 30, 64))
    export('svf_bn', svf, x, 13, dynamic={'input': {0: 'batch'}, 'output': {0: 'batch'}})
    expected('svf_bn', svf, x, classifier=False)
    save_weights('svf_bn', svf)

    sign = SignStyle()
    randomize_batchnorm(sign, gen)
    x = images(gen, (2, 3, 32, 32))
    export('sign_pool', sign, x, 13, dynamic={'input': {0: 'batch'}, 'output': {0: 'batch'}})
    expected('sign_pool', sign, x, classifier=True)

    # the same net with a fixed batch of 2, exported with opset 9: the flatten then comes as a folded constant shape
    export('sign_pool_opset9', sign, x, 9)

    ts = TanhSoftmax()
    x = images(gen, (2, 2, 16, 16))
    export('tanh_softmax', ts, x, 11, dynamic={'input': {0: 'batch', 2: 'height', 3: 'width'}, 'output': {0: 'batch'}})
    expected('tanh_softmax', ts, x, classifier=True)

    export('resnet_block', ResidualBlock(), images(gen, (1, 1, 8, 8)), 13)
    export('sigmoid', SigmoidNet(), images(gen, (1, 1, 8, 8)), 13)
    export('avgpool', AvgPoolNet(), images(gen, (1, 1, 8, 8)), 13)

    helper_mlp(gen)
    helper_padding(gen)
    print('torch', torch.__version__, 'onnx', onnx.__version__, 'numpy', np.__version__, file=sys.stderr)


if __name__ == '__main__':
    with torch.no_grad():
        pass
    main()
