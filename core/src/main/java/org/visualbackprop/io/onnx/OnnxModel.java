package org.visualbackprop.io.onnx;

import java.util.List;
import java.util.Objects;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nn.Network;

/**
 * A network read from an ONNX file ({@link OnnxImport}) and what the file said about it.
 *
 * @param network               the network, for inputs of the size the file records or the caller gave
 * @param source                the file name
 * @param producer              the tool that wrote the file, with its version ({@code "pytorch 1.13.0"}), or "" when the
 *                              file does not say
 * @param opset                 the version of the standard ONNX operator set the file uses
 * @param provenance            the file's metadata ({@code metadata_props}), such as the record of how a model exported
 *                              by this project was trained; when the file has none, its producer and opset
 * @param notes                 what a user should know about the conversion (a final Softmax read as LogSoftmax, Gemm
 *                              scale factors folded into the weights, BatchNorm saved in training mode)
 * @param trainingModeBatchNorm true when the file's BatchNormalization nodes are in training mode (they normalize with
 *                              the statistics of the batch)
 */
public record OnnxModel(Network network, String source, String producer, long opset, Provenance provenance, List<String> notes,
                        boolean trainingModeBatchNorm) {
    public OnnxModel {
        Objects.requireNonNull(network, "network");
        notes = List.copyOf(notes);
    }
}
