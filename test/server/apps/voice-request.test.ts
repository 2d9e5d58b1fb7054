/** Voice settings from the Request-URI (;voice=) and the X-Voice header. */
import t from 'tap';
import { voiceSettingsFromRequest } from '../../../server/apps/voice-request.js';
import { SipError } from '../../../server/sip/errors.js';

t.test('no voice asked for: null', (t) => {
  t.equal(voiceSettingsFromRequest('sip:echo@example.com', undefined), null);
  t.equal(voiceSettingsFromRequest('sip:echo@example.com;transport=udp', ' ; '), null);
  t.equal(voiceSettingsFromRequest('tel:+15551234', undefined), null, 'not a SIP URI: nothing to read');
  t.end();
});

t.test('a preset from the Request-URI, parameters from X-Voice', (t) => {
  t.same(voiceSettingsFromRequest('sip:echo@example.com;voice=female', undefined), { preset: 'female' });
  t.same(voiceSettingsFromRequest('sip:echo@example.com;transport=tcp;VOICE=Anonymize', undefined), { preset: 'anonymize' });
  t.same(voiceSettingsFromRequest('sip:echo@example.com;voice=male', 'pitch=-3;formant=1.1;alpha=0.9;breathiness=0.2;fallback=silence'), {
    preset: 'male',
    parameters: { pitchSemitones: -3, formantRatio: 1.1, mcAdamsAlpha: 0.9, breathiness: 0.2 },
    fallback: 'silence',
  });
  t.same(voiceSettingsFromRequest('sip:echo@example.com', ' Pitch = +2 ; profile=alice '), { parameters: { pitchSemitones: 2, profile: 'alice' } });
  t.same(voiceSettingsFromRequest('sip:echo@example.com;voice=male', 'preset=child;morph-to=elder;morph=0.25'), {
    preset: 'child',
    morphTo: { preset: 'elder' },
    morph: 0.25,
  }, 'the header preset overrides the URI');
  t.end();
});

const CASES: { name: string; uri: string; header?: string; status: number; message: RegExp }[] = [
  { name: 'unknown preset in the URI', uri: 'sip:echo@h;voice=martian', status: 488, message: /preset must be one of/ },
  { name: 'empty voice parameter', uri: 'sip:echo@h;voice', status: 400, message: /needs a preset/ },
  { name: 'unknown header key', uri: 'sip:echo@h', header: 'pitch=1;speed=2', status: 400, message: /unknown key "speed"/ },
  { name: 'not a number', uri: 'sip:echo@h', header: 'pitch=high', status: 400, message: /pitch must be a number/ },
  { name: 'key without value', uri: 'sip:echo@h', header: 'formant', status: 400, message: /formant needs a value/ },
  { name: 'key twice', uri: 'sip:echo@h', header: 'pitch=1;pitch=2', status: 400, message: /given twice/ },
  { name: 'out of range', uri: 'sip:echo@h;voice=male', header: 'pitch=20', status: 488, message: /pitchSemitones must be a number from -12 to 12/ },
  { name: 'bad fallback', uri: 'sip:echo@h;voice=male', header: 'fallback=loud', status: 488, message: /fallback must be one of/ },
  { name: 'fallback alone', uri: 'sip:echo@h', header: 'fallback=silence', status: 400, message: /need a preset or parameters/ },
  { name: 'profile with a path', uri: 'sip:echo@h', header: 'profile=../etc', status: 488, message: /profile must be a profile name/ },
  { name: 'too long', uri: 'sip:echo@h', header: `pitch=1;${'x'.repeat(600)}`, status: 400, message: /longer than/ },
];

for (const c of CASES) {
  t.test(`rejects: ${c.name}`, (t) => {
    try {
      voiceSettingsFromRequest(c.uri, c.header);
      t.fail('accepted');
    } catch (error) {
      t.ok(error instanceof SipError, 'a SipError');
      if (error instanceof SipError) {
        t.equal(error.status, c.status);
        t.match(error.message, c.message);
      }
    }
    t.end();
  });
}
