package org.visualbackprop.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.testing.FuzzProperty;
import org.visualbackprop.testing.HostileReads;
import org.visualbackprop.testing.Mutant;
import org.visualbackprop.testing.Mutations;

/**
 * Damaged annotation tables: Udacity's {@code interpolated.csv} ({@link UdacityDriving#read}) and GTSRB's
 * {@code GT-*.csv} ({@link Gtsrb#readAnnotations}) are read into frames and samples that satisfy their own checks, or
 * refused naming the table (and the line): {@link CorruptFileException}, or {@link NoSuchFileException} for a picture
 * the damaged table names and the folder lacks.
 */
class TableFuzzProperties {
    private static final String UDACITY = "index,timestamp,width,height,frame_id,filename,angle,torque,speed,lat,long,alt\n"
            + "0,1479424215880976321,64,48,center_camera,center/1.png,0.1,0.0,6.5,37.4,-122.1,-4.5\n"
            + "1,1479424215880976322,64,48,left_camera,left/1.png,0.2,0.0,6.5,37.4,-122.1,-4.5\n"
            + "2,1479424215880976323,64,48,center_camera,center/2.png,-0.5,0.0,4.9,37.4,-122.1,-4.5\n"
            + "3,1479424215880976324,64,48,\"center_camera\",\"center/3.png\",-0.25,0.0,12.0,37.4,-122.1,-4.5\n";
    private static final String GTSRB = "Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId\n"
            + "00000_00000.ppm;12;10;3;2;8;6;14\n00000_00001.ppm;30;29;5;5;24;23;0\n00000_00002.ppm;12;10;0;0;11;9;42\n";
    private static Path dir;

    @BeforeContainer
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("table-fuzz");
        for (String f : List.of("center/1.png", "center/2.png", "center/3.png", "left/1.png", "00000_00000.ppm", "00000_00001.ppm",
                "00000_00002.ppm")) {
            Files.createDirectories(dir.resolve(f).getParent());
            Files.write(dir.resolve(f), new byte[] {1}); // the readers check that pictures exist, not what they hold
        }
    }

    @AfterContainer
    static void tearDown() throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @FuzzProperty
    void damagedUdacityTablesGiveCheckedFramesOrAreRefusedByName(@ForAll("udacity") Mutant m) throws Exception {
        HostileReads.collect(HostileReads.assertReadsOrRefuses(m, dir, "mutant-udacity.csv",
                f -> UdacityDriving.read(f, UdacityDriving.Options.paper().withMinSpeed(0)),
                u -> u.frames().stream().allMatch(fr -> Files.isRegularFile(fr.image()) && Double.isFinite(fr.steeringDegrees())),
                HostileReads.DEFAULT_MAX_BYTES, CorruptFileException.class, NoSuchFileException.class));
    }

    @FuzzProperty
    void damagedGtsrbTablesGiveCheckedSamplesOrAreRefusedByName(@ForAll("gtsrb") Mutant m) throws Exception {
        HostileReads.collect(HostileReads.assertReadsOrRefuses(m, dir, "mutant-GT.csv", Gtsrb::readAnnotations,
                list -> list.stream().allMatch(s -> s.x1() >= 0 && s.x2() < s.width() && s.y2() < s.height() && s.classId() >= 0
                        && s.classId() < SignClass.COUNT && Files.isRegularFile(s.image())),
                HostileReads.DEFAULT_MAX_BYTES, CorruptFileException.class, NoSuchFileException.class));
    }

    @Provide
    Arbitrary<Mutant> udacity() {
        return Mutations.of(UDACITY.getBytes(StandardCharsets.UTF_8), GTSRB.getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<Mutant> gtsrb() {
        return Mutations.of(GTSRB.getBytes(StandardCharsets.UTF_8), UDACITY.getBytes(StandardCharsets.UTF_8));
    }
}
