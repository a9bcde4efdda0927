/**
 * ONNX model files ({@code .onnx}), the exchange format that PyTorch's {@code torch.onnx.export}, tf2onnx and most
 * frameworks write: {@link org.visualbackprop.io.onnx.OnnxImport} reads a chain of supported operators into a
 * {@link org.visualbackprop.nn.Network}; {@link org.visualbackprop.io.onnx.OnnxExport} writes a network so that ONNX
 * Runtime and other frameworks run it. Reading and writing is done by protobuf-java with the classes generated at
 * build time from the ONNX schema ({@code src/main/proto/onnx/onnx.proto}, package
 * {@code org.visualbackprop.io.onnx.proto}); these classes turn its messages into layers and back.
 */
package org.visualbackprop.io.onnx;
