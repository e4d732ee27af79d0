package io.zantara.conversation;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;

/**
 * Text that PostgreSQL can store and that fits a byte budget: at most {@link #maxBytes()} bytes in
 * UTF-8 (a limit on characters would let 4-byte characters through at four times the size) and no
 * NUL character, which a {@code text} column refuses. Checked up front, so that such a message is a
 * 400 and never reaches the outbox as an entry that can never be written.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = StorableText.Validator.class)
public @interface StorableText {

    int maxBytes();

    String message() default "must be at most {maxBytes} bytes of UTF-8 text without NUL characters";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<StorableText, String> {

        private int maxBytes;

        @Override
        public void initialize(StorableText annotation) {
            this.maxBytes = annotation.maxBytes();
        }

        @Override
        public boolean isValid(String text, ConstraintValidatorContext context) {
            if (text == null) {
                return true;
            }
            // Cheap bound first: a char is at most 3 bytes in UTF-8 (a surrogate pair is 4 for 2 chars).
            if (text.length() > maxBytes || (text.length() * 3 > maxBytes && text.getBytes(StandardCharsets.UTF_8).length > maxBytes)) {
                return false;
            }
            return text.indexOf('\0') < 0;
        }
    }
}
