/**
 * A drive explained as it happens: frames from a synthetic {@link org.visualbackprop.data.RoadDrive}, a folder of
 * pictures or a video ({@link org.visualbackprop.drive.FrameSource}) go one at a time through the network and the
 * explanation methods ({@link org.visualbackprop.drive.FrameExplainer}), are drawn with their masks and a steering
 * gauge ({@link org.visualbackprop.drive.DriveCanvas}) and written as an H.264 MP4 video
 * ({@link org.visualbackprop.drive.Mp4Writer}, JCodec, pure Java) and an animated GIF preview
 * ({@link org.visualbackprop.drive.GifWriter}, the JDK's ImageIO), with every stage timed
 * ({@link org.visualbackprop.drive.DriveRecorder}). {@code vbp drive} is the command line.
 */
package org.visualbackprop.drive;
